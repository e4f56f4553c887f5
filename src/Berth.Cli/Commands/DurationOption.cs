using System.CommandLine;
using System.Globalization;

namespace Berth.Cli.Commands;

/// <summary>Options that take a duration such as <c>500ms</c>, <c>2s</c>, <c>1.5m</c> or <c>1h</c>, above zero.</summary>
public static class DurationOption
{
    /// <summary>An optional duration option; null when not given (the command's own default applies).</summary>
    public static Option<TimeSpan?> Create(string name, string description) => new(name)
    {
        Description = description + " (e.g. 500ms, 2s, 1m)",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (TryParse(text, out var value))
            {
                return value;
            }
            result.AddError(OptionMessages.BadDuration(name, text));
            return null;
        },
    };

    /// <summary>Like <see cref="Create"/>, and <c>0</c> too, for durations where zero turns a thing off.</summary>
    public static Option<TimeSpan?> CreateOrZero(string name, string description)
    {
        var option = Create(name, description);
        var parse = option.CustomParser!;
        option.CustomParser = result => result.Tokens.Count > 0 && result.Tokens[0].Value == "0" ? TimeSpan.Zero : parse(result);
        return option;
    }

    /// <summary>Parses a number followed by <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c>; true only for a duration above zero.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        // "ms" is tested before "m" and "s", which it ends with and starts with.
        (string Suffix, double Milliseconds)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, milliseconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number)
                && number > 0
                && number * milliseconds <= TimeSpan.MaxValue.TotalMilliseconds / 2)
            {
                value = TimeSpan.FromMilliseconds(number * milliseconds);
                return value > TimeSpan.Zero;
            }
        }
        return false;
    }
}
