namespace Berth.Scheduling.Fleet;

/// <summary>A reason to move fleet workloads, and which ones.</summary>
/// <param name="Kind">Which trigger fired.</param>
/// <param name="Pool">The pool it fired for (for a manual rebalance, empty).</param>
/// <param name="Cluster">For consolidation, the cluster to drain and delete; else null.</param>
/// <param name="Into">For consolidation, the cluster of the same pool its replicas move to; else null.</param>
/// <param name="Workloads">The keys of the fleet workloads to move, in ordinal order.</param>
/// <param name="Reason">What fired, with the values (from <see cref="MigrationMessages"/>).</param>
public sealed record RebalanceTrigger(
    RebalanceTriggerKind Kind, string Pool, string? Cluster, string? Into, IReadOnlyList<string> Workloads, string Reason);
