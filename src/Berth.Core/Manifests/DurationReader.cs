using System.Globalization;

namespace Berth.Core.Manifests;

/// <summary>Reads durations written as numbers with units, Go's way: <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>.</summary>
public static class DurationReader
{
    /// <summary>The duration a node holds; <c>0</c> is zero.</summary>
    /// <exception cref="ManifestException">Not a duration; the message shows how to write one.</exception>
    public static TimeSpan Read(ManifestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = node.AsString();
        return Parse(text) ?? throw node.Error($"'{text}' is not a duration; write a number and a unit (ms, s, m, h), e.g. 30s, 5m or 1h30m");
    }

    /// <summary>Parses <paramref name="text"/>; null when it is not a duration.</summary>
    public static TimeSpan? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "0")
        {
            return TimeSpan.Zero;
        }
        var total = TimeSpan.Zero;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start || i - start > 9)
            {
                return null;
            }
            long number = long.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetterLower(text[i]))
            {
                i++;
            }
            TimeSpan? part = text[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                _ => null,
            };
            if (part is not { } value)
            {
                return null;
            }
            total += value;
        }
        return text.Length == 0 ? null : total;
    }

    /// <summary>Writes a duration the way manifests give it, e.g. <c>1h30m</c>, <c>45s</c>, <c>250ms</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0";
        }
        var parts = new System.Text.StringBuilder();
        if ((long)duration.TotalHours > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{(long)duration.TotalHours}h");
        }
        if (duration.Minutes > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        }
        if (duration.Seconds > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{duration.Seconds}s");
        }
        if (duration.Milliseconds > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{duration.Milliseconds}ms");
        }
        return parts.Length == 0 ? "0" : parts.ToString();
    }
}
