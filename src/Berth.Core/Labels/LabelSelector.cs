namespace Berth.Core.Labels;

/// <summary>A Kubernetes label selector: every matchLabels pair and every matchExpressions requirement must hold.</summary>
/// <remarks>An empty selector matches everything; a null selector (where a field is optional) matches nothing.</remarks>
public sealed record LabelSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<LabelRequirement> MatchExpressions)
{
    /// <summary>The selector that matches every set of labels.</summary>
    public static readonly LabelSelector Everything = new(new Dictionary<string, string>(), []);

    /// <summary>A selector of exact label values.</summary>
    public static LabelSelector ForLabels(IReadOnlyDictionary<string, string> labels) => new(labels, []);

    /// <summary>True when every pair and requirement holds.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in MatchLabels)
        {
            if (!labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }
        for (int i = 0; i < MatchExpressions.Count; i++)
        {
            if (!MatchExpressions[i].Matches(labels))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>True when this selector has no conditions.</summary>
    public bool IsEmpty => MatchLabels.Count == 0 && MatchExpressions.Count == 0;

    /// <summary>The selector with extra exact pairs added (used for matchLabelKeys).</summary>
    public LabelSelector WithLabels(IEnumerable<KeyValuePair<string, string>> extra)
    {
        var merged = new Dictionary<string, string>(MatchLabels, StringComparer.Ordinal);
        var expressions = MatchExpressions.ToList();
        foreach (var (k, v) in extra)
        {
            expressions.Add(new LabelRequirement(k, SelectorOperator.In, [v]));
        }
        return new LabelSelector(merged, expressions);
    }

    /// <summary>Formats as <c>app=web,zone In [a]</c>.</summary>
    public override string ToString() =>
        string.Join(",", MatchLabels.Select(kv => $"{kv.Key}={kv.Value}").Concat(MatchExpressions.Select(e => e.ToString())));
}
