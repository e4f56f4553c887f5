namespace Berth.Server.State;

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
