namespace Berth.Scheduling.Fleet;

/// <summary>What fleet migration and rebalancing say (composite formats, invariant culture).</summary>
public static class MigrationMessages
{
    /// <summary>{0} target total, {1} the workload's minimum.</summary>
    public const string TargetBelowMinimum =
        "target shares add up to {0} replica(s), fewer than the workload's minimum of {1}; give target shares totalling at least {1}";

    /// <summary>{0} the pool, {1} projected 30-day cost, {2} the budget, {3} currency.</summary>
    public const string BudgetExceeded = "pool {0} projects {1} {3} over 30 days, above its budget of {2} {3}";

    /// <summary>{0} the pool, {1} which limit (nodes, cores, memoryGi), {2} used, {3} the limit, {4} replicas waiting.</summary>
    public const string CapacityExhausted = "pool {0} is at its {1} limit ({2} of {3}) with {4} replica(s) not running";

    /// <summary>{0} the cluster, {1} its utilization, {2} the policy's minimum utilization.</summary>
    public const string Underused = "cluster {0} is {1:P0} used, under the consolidation threshold of {2:P0}";

    /// <summary>{0} the pool, {1} the missing compliance labels, {2} the workload.</summary>
    public const string ComplianceLost = "pool {0} no longer has compliance {1} required by {2}";

    /// <summary>{0} the workload.</summary>
    public const string Manual = "rebalance of {0} requested";
}
