namespace Berth.Core.Labels;

/// <summary>
/// One term of a node selector: all <see cref="MatchExpressions"/> on the node's labels and all
/// <see cref="MatchFields"/> on its fields (only <c>metadata.name</c>) must hold.
/// </summary>
/// <remarks>As in Kubernetes, a term with no expressions and no fields matches no node.</remarks>
public sealed record NodeSelectorTerm(IReadOnlyList<LabelRequirement> MatchExpressions, IReadOnlyList<LabelRequirement> MatchFields)
{
    /// <summary>The one field a node selector may match on.</summary>
    public const string NodeNameField = "metadata.name";

    /// <summary>True when the node with these labels and name satisfies the term.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> nodeLabels, string nodeName)
    {
        if (MatchExpressions.Count == 0 && MatchFields.Count == 0)
        {
            return false;
        }
        for (int i = 0; i < MatchExpressions.Count; i++)
        {
            if (!MatchExpressions[i].Matches(nodeLabels))
            {
                return false;
            }
        }
        for (int i = 0; i < MatchFields.Count; i++)
        {
            var field = MatchFields[i];
            if (!field.MatchesValue(field.Key == NodeNameField ? nodeName : null))
            {
                return false;
            }
        }
        return true;
    }
}
