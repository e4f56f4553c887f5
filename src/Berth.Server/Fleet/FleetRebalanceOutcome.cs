using Berth.Scheduling.Fleet;

namespace Berth.Server.Fleet;

/// <summary>What one rebalance pass found and did.</summary>
/// <param name="Triggers">The triggers that held (for a manual rebalance of one workload, those that concern it).</param>
/// <param name="Migrations">Per moved workload, how its migration ended.</param>
/// <param name="DeletedClusters">Clusters drained and deleted.</param>
/// <param name="Unhandled">Triggers or workloads seen but not acted on, with why (e.g. no other pool qualifies, replicas still starting).</param>
public sealed record FleetRebalanceOutcome(
    IReadOnlyList<RebalanceTrigger> Triggers,
    IReadOnlyDictionary<string, FleetMigrationResult> Migrations,
    IReadOnlyList<string> DeletedClusters,
    IReadOnlyList<string> Unhandled);
