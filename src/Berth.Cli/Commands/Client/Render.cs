using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Serialization;

namespace Berth.Cli.Commands.Client;

/// <summary>Writes server answers as JSON, YAML or kubectl-style columns.</summary>
public static class Render
{
    private static readonly ISerializer Yaml = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    /// <summary>Shown for a missing value in a column.</summary>
    public const string None = "<none>";

    /// <summary>The JSON text indented (or on one line with <paramref name="indented"/> false).</summary>
    public static string Json(string json, bool indented = true)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            document.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The JSON text as YAML, keys in the server's order.</summary>
    public static string YamlOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Yaml.Serialize(Plain(document.RootElement));
    }

    /// <summary>Writes <paramref name="json"/> as <paramref name="format"/> json or yaml.</summary>
    public static void Document(string json, OutputFormat format, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(format == OutputFormat.Yaml ? YamlOf(json).TrimEnd('\n') : Json(json));
    }

    /// <summary>Writes columns padded to their widest cell, three spaces apart, with the headers first.</summary>
    public static void Columns(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string indent = "")
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(headers);
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = new int[headers.Count];
        foreach (var row in all)
        {
            for (int i = 0; i < row.Count && i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }
        foreach (var row in all)
        {
            var line = new StringBuilder(indent);
            for (int i = 0; i < row.Count; i++)
            {
                line.Append(i == row.Count - 1 ? row[i] : row[i].PadRight(widths[i] + 3));
            }
            output.WriteLine(line.ToString().TrimEnd());
        }
    }

    /// <summary><c>k=v,k=v</c>, or <see cref="None"/>.</summary>
    public static string Pairs<TValue>(IEnumerable<KeyValuePair<string, TValue>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var text = string.Join(",", pairs.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}"));
        return text.Length == 0 ? None : text;
    }

    /// <summary>A time as UTC ISO 8601 to the second.</summary>
    public static string Time(DateTimeOffset? time) =>
        time is null ? None : time.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A number in invariant culture.</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static object? Plain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(Plain).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var whole) ? whole : element.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
