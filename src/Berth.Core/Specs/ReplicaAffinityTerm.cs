using Berth.Core.Labels;

namespace Berth.Core.Specs;

/// <summary>
/// A Kubernetes PodAffinityTerm: the replicas selected by <see cref="LabelSelector"/> in the given namespaces,
/// counted per value of the node label <see cref="TopologyKey"/>.
/// </summary>
/// <param name="Namespaces">Explicit namespaces; with a null <see cref="NamespaceSelector"/> and no entries, the replica's own namespace.</param>
/// <param name="NamespaceSelector">Selects namespaces by their labels; empty selects all namespaces.</param>
/// <param name="MatchLabelKeys">Label keys whose values on the incoming replica are added to the selector (In).</param>
/// <param name="MismatchLabelKeys">Label keys whose values on the incoming replica are added to the selector (NotIn).</param>
public sealed record ReplicaAffinityTerm(
    LabelSelector? LabelSelector,
    IReadOnlyList<string> Namespaces,
    LabelSelector? NamespaceSelector,
    string TopologyKey,
    IReadOnlyList<string> MatchLabelKeys,
    IReadOnlyList<string> MismatchLabelKeys);
