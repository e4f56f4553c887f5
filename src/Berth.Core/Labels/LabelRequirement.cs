using System.Globalization;

namespace Berth.Core.Labels;

/// <summary>One condition on a label: <c>{key, operator, values}</c>, as Kubernetes' matchExpressions entries.</summary>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>True when the labels satisfy this requirement, with Kubernetes' semantics (NotIn matches an absent key).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        MatchesValue(labels.TryGetValue(Key, out var value) ? value : null);

    /// <summary>True when a label with this key and <paramref name="value"/> (null: the key is absent) satisfies the requirement.</summary>
    public bool MatchesValue(string? value)
    {
        bool has = value is not null;
        return Operator switch
        {
            SelectorOperator.In => has && Contains(value!),
            SelectorOperator.NotIn => !has || !Contains(value!),
            SelectorOperator.Exists => has,
            SelectorOperator.DoesNotExist => !has,
            SelectorOperator.Gt => has && TryInt(value!, out var a) && TryInt(Values[0], out var b) && a > b,
            SelectorOperator.Lt => has && TryInt(value!, out var c) && TryInt(Values[0], out var d) && c < d,
            _ => false,
        };
    }

    /// <summary>True when <paramref name="value"/> is one of <see cref="Values"/>.</summary>
    public bool Contains(string value)
    {
        for (int i = 0; i < Values.Count; i++)
        {
            if (string.Equals(Values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Parses an integer label value for Gt/Lt, as Kubernetes does (base 10, 64 bits).</summary>
    public static bool TryInt(string value, out long result) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);

    /// <summary>Formats as <c>key In [a, b]</c>.</summary>
    public override string ToString() => Operator switch
    {
        SelectorOperator.Exists or SelectorOperator.DoesNotExist => $"{Key} {Operator}",
        _ => $"{Key} {Operator} [{string.Join(", ", Values)}]",
    };
}
