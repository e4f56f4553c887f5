using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Core.Resources;

namespace Berth.Server.State;

/// <summary>Writes a <see cref="Quantity"/> as a Kubernetes quantity string ("500m", "64Mi", "2") and reads any Kubernetes notation.</summary>
public sealed class QuantityJsonConverter : JsonConverter<Quantity>
{
    // Largest first, so 1Gi is written "1Gi", not "1024Mi".
    private static readonly (string Suffix, decimal Factor)[] Binary =
    [
        ("Ei", 1152921504606846976m), ("Pi", 1125899906842624m), ("Ti", 1099511627776m),
        ("Gi", 1073741824m), ("Mi", 1048576m), ("Ki", 1024m),
    ];

    private static readonly (string Suffix, decimal Factor)[] Decimal =
    [
        ("E", 1e18m), ("P", 1e15m), ("T", 1e12m), ("G", 1e9m), ("M", 1e6m), ("k", 1e3m),
    ];

    private static readonly (string Suffix, decimal Factor)[] Fractional = [("m", 1e-3m), ("u", 1e-6m), ("n", 1e-9m)];

    /// <summary>The shortest exact Kubernetes spelling of <paramref name="quantity"/>: binary suffixes before decimal ones for whole numbers, m/u/n for fractions, plain decimals otherwise.</summary>
    public static string Format(Quantity quantity)
    {
        var amount = quantity.Amount;
        if (amount == 0)
        {
            return "0";
        }
        if (decimal.Truncate(amount) == amount)
        {
            foreach (var table in new[] { Binary, Decimal })
            {
                foreach (var (suffix, factor) in table)
                {
                    if (Math.Abs(amount) >= factor && amount % factor == 0)
                    {
                        return (amount / factor).ToString("0", CultureInfo.InvariantCulture) + suffix;
                    }
                }
            }
            return amount.ToString("0", CultureInfo.InvariantCulture);
        }
        foreach (var (suffix, factor) in Fractional)
        {
            var scaled = amount / factor;
            if (decimal.Truncate(scaled) == scaled)
            {
                return scaled.ToString("0", CultureInfo.InvariantCulture) + suffix;
            }
        }
        return quantity.ToString();
    }

    /// <inheritdoc/>
    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException(StateMessages.QuantityNotString(reader.TokenType.ToString()));
        }
        var text = reader.GetString();
        if (!Quantity.TryParse(text, out var quantity, out var error))
        {
            throw new JsonException(error);
        }
        return quantity;
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Format(value));
    }
}
