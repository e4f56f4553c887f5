namespace Berth.Server.Placement;

/// <summary>What applying one workload would change, and where its replicas would go.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
/// <param name="Change">Created, updated or unchanged.</param>
/// <param name="ChangedFields">For an update, the spec fields that differ, by their manifest names (<c>replicas</c>, <c>containers</c>, <c>nodeSelector</c>, …); empty otherwise.</param>
/// <param name="Replicas">Every replica the workload wants, then those above the wanted count that would be removed, by index.</param>
public sealed record WorkloadPreview(
    string Namespace,
    string Name,
    WorkloadPreviewChange Change,
    IReadOnlyList<string> ChangedFields,
    IReadOnlyList<ReplicaPreview> Replicas);
