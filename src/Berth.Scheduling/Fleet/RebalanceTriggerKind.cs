namespace Berth.Scheduling.Fleet;

/// <summary>Why fleet workloads are moved between clusters or pools.</summary>
public enum RebalanceTriggerKind
{
    /// <summary>A pool projects more cost over 30 days than its budget: its workloads move to cheaper pools.</summary>
    BudgetExceeded,

    /// <summary>A pool is at a capacity limit while replicas placed in it wait: they move to a pool with room.</summary>
    CapacityExhausted,

    /// <summary>A cluster is used under its policy's minimum utilization: its replicas move into a fuller cluster of the pool and it is deleted.</summary>
    Consolidation,

    /// <summary>A pool no longer has a compliance label a workload placed in it requires: the workload moves out.</summary>
    ComplianceLost,

    /// <summary>Someone asked for the workload to be placed again (<c>berth rebalance</c>).</summary>
    Manual,
}
