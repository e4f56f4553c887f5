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

/// <summary>One replica of an <see cref="AssignmentPlan"/>.</summary>
/// <param name="Replica">The replica index.</param>
/// <param name="Node">The chosen node.</param>
/// <param name="NodeModRevision">The node key's mod revision the plan saw.</param>
/// <param name="Devices">GPU device indexes chosen, empty when none.</param>
/// <param name="Explanation">The placement explanation summarised to one line.</param>
public sealed record PlannedReplica(int Replica, string Node, long NodeModRevision, IReadOnlyList<int> Devices, string Explanation);

/// <summary>An assignment an <see cref="AssignmentPlan"/> evicts.</summary>
/// <param name="Workload">The victim's workload.</param>
/// <param name="Replica">The victim's replica index.</param>
/// <param name="AssignmentModRevision">The victim assignment's mod revision the plan saw.</param>
/// <param name="Reason">Why it is evicted, for the event.</param>
public sealed record PlannedEviction(WorkloadKey Workload, int Replica, long AssignmentModRevision, string Reason);

/// <summary>Whether <see cref="AssignmentApplier"/> committed a plan.</summary>
public enum ApplyOutcome
{
    /// <summary>Committed: assignments, evictions and events are in the store at <see cref="ApplyResult.Revision"/>.</summary>
    Applied,

    /// <summary>Refused, nothing written: the state moved since the plan; read it again and plan again.</summary>
    Stale,
}

/// <summary>Why a plan was <see cref="ApplyOutcome.Stale"/>.</summary>
public enum StaleReason
{
    /// <summary>Not stale.</summary>
    None,

    /// <summary>The workload changed or was deleted.</summary>
    WorkloadChanged,

    /// <summary>A target node changed or was removed.</summary>
    NodeChanged,

    /// <summary>An eviction target changed or is gone.</summary>
    VictimChanged,

    /// <summary>A replica's own assignment changed while the plan was applied.</summary>
    AssignmentChanged,

    /// <summary>Another plan took room on a target node between this plan's room check and its commit.</summary>
    NodeAllocationChanged,

    /// <summary>A target node has no room left for the replicas planned on it.</summary>
    NodeFull,
}

/// <summary>The answer of <see cref="AssignmentApplier.ApplyAsync"/>.</summary>
/// <param name="Outcome">Applied or Stale.</param>
/// <param name="Revision">When applied, the revision that committed the plan; when stale, the store revision seen.</param>
/// <param name="Reason">Why stale; <see cref="StaleReason.None"/> when applied.</param>
/// <param name="Message">What moved, for logs and events; empty when applied.</param>
public sealed record ApplyResult(ApplyOutcome Outcome, long Revision, StaleReason Reason, string Message)
{
    /// <summary>True when the plan was committed.</summary>
    public bool IsApplied => Outcome == ApplyOutcome.Applied;

    internal static ApplyResult Stale(long revision, StaleReason reason, string message) => new(ApplyOutcome.Stale, revision, reason, message);
}
