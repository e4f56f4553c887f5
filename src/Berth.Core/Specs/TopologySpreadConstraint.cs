using Berth.Core.Labels;

namespace Berth.Core.Specs;

/// <summary>Kubernetes' topologySpreadConstraint: keep matching replicas evenly spread over the values of a node label.</summary>
/// <param name="MinDomains">With DoNotSchedule: fewer eligible domains than this count the global minimum as 0.</param>
public sealed record TopologySpreadConstraint(
    int MaxSkew,
    string TopologyKey,
    UnsatisfiableConstraintAction WhenUnsatisfiable,
    LabelSelector? LabelSelector,
    int? MinDomains,
    NodeInclusionPolicy NodeAffinityPolicy,
    NodeInclusionPolicy NodeTaintsPolicy,
    IReadOnlyList<string> MatchLabelKeys);
