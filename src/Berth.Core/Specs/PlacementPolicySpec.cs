using Berth.Core.Labels;

namespace Berth.Core.Specs;

/// <summary>
/// Fleet-wide rules for the workloads whose labels its selector matches: hard requirements, weighted preferences
/// among pools, and how clusters are sized and consolidated (the fleet design's <c>LatticePlacementPolicy</c>).
/// </summary>
/// <param name="Name">The policy's name (a DNS-1123 label), cluster-wide.</param>
/// <param name="Selector">Which workloads it applies to, by their labels.</param>
/// <param name="Requirements">What every placement of those workloads must satisfy.</param>
/// <param name="Preferences">How candidate pools are ranked; weights are relative.</param>
/// <param name="ClusterPolicy">How clusters are sized, filled and consolidated.</param>
public sealed record PlacementPolicySpec(
    string Name,
    LabelSelector Selector,
    PolicyRequirements Requirements,
    IReadOnlyList<PolicyPreference> Preferences,
    ClusterPolicy ClusterPolicy);
