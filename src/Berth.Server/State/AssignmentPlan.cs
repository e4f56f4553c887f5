namespace Berth.Server.State;

/// <summary>
/// What a scheduler decided for one workload against a <see cref="ClusterState"/>, for <see cref="AssignmentApplier"/>
/// to commit: every revision here is what the plan saw, and the applier refuses the plan if any has moved.
/// </summary>
/// <param name="Workload">The workload placed.</param>
/// <param name="WorkloadModRevision">The workload key's mod revision the plan was made for.</param>
/// <param name="SnapshotRevision">The store revision of the state the plan was made against (for logs and events).</param>
/// <param name="Replicas">The replicas to place; each index once.</param>
/// <param name="Evictions">Assignments to delete first to make room (preemption); empty otherwise.</param>
public sealed record AssignmentPlan(
    WorkloadKey Workload,
    long WorkloadModRevision,
    long SnapshotRevision,
    IReadOnlyList<PlannedReplica> Replicas,
    IReadOnlyList<PlannedEviction> Evictions);
