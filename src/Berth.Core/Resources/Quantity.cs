using System.Globalization;

namespace Berth.Core.Resources;

/// <summary>An exact amount in Kubernetes quantity notation (<c>500m</c>, <c>1.5</c>, <c>2Gi</c>, <c>100M</c>, <c>1e3</c>).</summary>
/// <remarks>
/// Held as a <see cref="decimal"/> so that every notation Kubernetes accepts round-trips exactly
/// (decimal has 28 significant digits; the largest suffix, Ei, is 2^60 ≈ 1.15e18).
/// </remarks>
public readonly record struct Quantity(decimal Amount) : IComparable<Quantity>
{
    /// <summary>The zero quantity.</summary>
    public static readonly Quantity Zero = new(0m);

    /// <summary>The amount in thousandths, rounded up, as Kubernetes' <c>MilliValue()</c>; held to the range of a long.</summary>
    public long MilliValue => Saturate(decimal.Ceiling(Amount * 1000m));

    /// <summary>The amount in whole units, rounded up, as Kubernetes' <c>Value()</c>; held to the range of a long.</summary>
    public long Value => Saturate(decimal.Ceiling(Amount));

    private static long Saturate(decimal value) =>
        value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)value;

    /// <summary>Parses Kubernetes quantity notation.</summary>
    /// <exception cref="FormatException">The text is not a quantity; the message says what is accepted.</exception>
    public static Quantity Parse(string text)
    {
        if (TryParse(text, out var quantity, out var error))
        {
            return quantity;
        }
        throw new FormatException(error);
    }

    /// <summary>Parses Kubernetes quantity notation without throwing; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out Quantity quantity, out string error)
    {
        quantity = Zero;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty quantity; use a number with an optional suffix, e.g. 500m, 1.5, 2Gi, 100M";
            return false;
        }
        var s = text.AsSpan().Trim();
        int end = 0;
        if (end < s.Length && (s[end] == '+' || s[end] == '-'))
        {
            end++;
        }
        bool sawDigit = false, sawDot = false;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || (s[end] == '.' && !sawDot)))
        {
            sawDot |= s[end] == '.';
            sawDigit |= s[end] != '.';
            end++;
        }
        if (!sawDigit)
        {
            error = $"'{text}' is not a quantity: it must start with a number, e.g. 500m, 1.5, 2Gi, 100M";
            return false;
        }
        if (!decimal.TryParse(s[..end], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            error = $"'{text}' is not a quantity: the number '{s[..end].ToString()}' is out of range";
            return false;
        }
        var suffix = s[end..];
        // The named suffixes come first: "Ei" (exbi) starts with E but is not an exponent.
        if (!TryMultiplier(suffix, out decimal multiplier))
        {
            if (suffix.Length < 2 || (suffix[0] != 'e' && suffix[0] != 'E'))
            {
                error = $"'{text}' has an unknown suffix '{suffix.ToString()}': use n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3";
                return false;
            }
            if (!int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent) || exponent is < -18 or > 18)
            {
                error = $"'{text}' is not a quantity: the exponent '{suffix.ToString()}' must be e followed by an integer from -18 to 18";
                return false;
            }
            multiplier = Pow10(exponent);
        }
        try
        {
            quantity = new Quantity(number * multiplier);
        }
        catch (OverflowException)
        {
            error = $"'{text}' is too large a quantity";
            return false;
        }
        return true;
    }

    private static bool TryMultiplier(ReadOnlySpan<char> suffix, out decimal multiplier)
    {
        multiplier = suffix switch
        {
            "" => 1m,
            "n" => 0.000000001m,
            "u" => 0.000001m,
            "m" => 0.001m,
            "k" => 1_000m,
            "M" => 1_000_000m,
            "G" => 1_000_000_000m,
            "T" => 1_000_000_000_000m,
            "P" => 1_000_000_000_000_000m,
            "E" => 1_000_000_000_000_000_000m,
            "Ki" => 1024m,
            "Mi" => 1024m * 1024,
            "Gi" => 1024m * 1024 * 1024,
            "Ti" => 1024m * 1024 * 1024 * 1024,
            "Pi" => 1024m * 1024 * 1024 * 1024 * 1024,
            "Ei" => 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
            _ => -1m,
        };
        return multiplier > 0;
    }

    private static decimal Pow10(int exponent)
    {
        decimal result = 1m;
        for (int i = 0; i < Math.Abs(exponent); i++)
        {
            result *= 10m;
        }
        return exponent >= 0 ? result : 1m / result;
    }

    /// <inheritdoc />
    public int CompareTo(Quantity other) => Amount.CompareTo(other.Amount);

    /// <summary>Adds two quantities.</summary>
    public static Quantity operator +(Quantity a, Quantity b) => new(a.Amount + b.Amount);

    /// <summary>Formats the amount in plain decimal notation, without trailing zeros (500m reads 0.5).</summary>
    public override string ToString() => Amount.ToString("G29", CultureInfo.InvariantCulture);
}
