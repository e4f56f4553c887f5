using System.Globalization;
using System.Text;
using System.Text.Json;
using Berth.Core.Resources;
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

    /// <summary>
    /// Resources as <c>name=amount,…</c> with each amount for people (<see cref="Quantity(string, Berth.Core.Resources.Quantity)"/>),
    /// or <see cref="None"/>. Tables only: json and yaml keep the exact amounts.
    /// </summary>
    public static string Resources(IEnumerable<KeyValuePair<string, Quantity>> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var text = string.Join(",", resources.Select(kv => $"{kv.Key}={Quantity(kv.Key, kv.Value)}"));
        return text.Length == 0 ? None : text;
    }

    /// <summary>
    /// An amount of resource <paramref name="name"/> as kubectl shows it: bytes (memory, storage, hugepages) in the
    /// largest binary unit that holds them exactly (<c>64Mi</c>, <c>8Gi</c>, <c>1536Mi</c>), else in a decimal unit
    /// (<c>100M</c>), else to one decimal of a binary unit (<c>15.6Gi</c>); cpu in cores when whole (<c>4</c>), else in
    /// millicores rounded up (<c>500m</c>, <c>1500m</c>); other resources as plain numbers.
    /// </summary>
    public static string Quantity(string name, Quantity quantity)
    {
        ArgumentNullException.ThrowIfNull(name);
        var amount = quantity.Amount;
        if (name == ResourceNames.Cpu)
        {
            return amount == decimal.Truncate(amount) ? Number((long)amount) : Number(quantity.MilliValue) + "m";
        }
        if (!IsBytes(name) || amount < 1024m || amount != decimal.Truncate(amount))
        {
            return quantity.ToString();
        }
        // Exact forms first, as Kubernetes writes quantities; a short number in a unit reads best, hence the limit.
        const decimal shortest = 10_000m;
        for (int i = BinaryUnits.Length - 1; i >= 0; i--)
        {
            var value = amount / BinaryUnits[i].Size;
            if (value == decimal.Truncate(value) && value < shortest)
            {
                return Number((long)value) + BinaryUnits[i].Suffix;
            }
        }
        for (int i = DecimalUnits.Length - 1; i >= 0; i--)
        {
            var value = amount / DecimalUnits[i].Size;
            if (value == decimal.Truncate(value) && value < shortest)
            {
                return Number((long)value) + DecimalUnits[i].Suffix;
            }
        }
        for (int i = BinaryUnits.Length - 1; i >= 0; i--)
        {
            if (amount >= BinaryUnits[i].Size)
            {
                return (amount / BinaryUnits[i].Size).ToString("0.#", CultureInfo.InvariantCulture) + BinaryUnits[i].Suffix;
            }
        }
        return quantity.ToString();
    }

    private static readonly (decimal Size, string Suffix)[] BinaryUnits =
        [(1024m, "Ki"), (1024m * 1024, "Mi"), (1024m * 1024 * 1024, "Gi"), (1024m * 1024 * 1024 * 1024, "Ti"), (1024m * 1024 * 1024 * 1024 * 1024, "Pi"), (1024m * 1024 * 1024 * 1024 * 1024 * 1024, "Ei")];

    private static readonly (decimal Size, string Suffix)[] DecimalUnits =
        [(1_000m, "k"), (1_000_000m, "M"), (1_000_000_000m, "G"), (1_000_000_000_000m, "T"), (1_000_000_000_000_000m, "P"), (1_000_000_000_000_000_000m, "E")];

    private static bool IsBytes(string name) =>
        name is ResourceNames.Memory or ResourceNames.EphemeralStorage or "storage" || name.StartsWith(ResourceNames.HugePagesPrefix, StringComparison.Ordinal);

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
