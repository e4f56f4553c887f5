using Berth.Core.Labels;

namespace Berth.Core.Specs;

/// <summary>Constraints and preferences on the labels of the node a replica runs on.</summary>
public sealed record NodeAffinity(NodeSelector? Required, IReadOnlyList<PreferredSchedulingTerm> Preferred)
{
    /// <summary>No constraint, no preference.</summary>
    public static readonly NodeAffinity None = new(null, []);
}
