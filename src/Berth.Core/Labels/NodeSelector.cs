namespace Berth.Core.Labels;

/// <summary>A required node selector: the node must match at least one term (terms are ORed).</summary>
public sealed record NodeSelector(IReadOnlyList<NodeSelectorTerm> Terms)
{
    /// <summary>True when any term matches.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> nodeLabels, string nodeName)
    {
        for (int i = 0; i < Terms.Count; i++)
        {
            if (Terms[i].Matches(nodeLabels, nodeName))
            {
                return true;
            }
        }
        return false;
    }
}
