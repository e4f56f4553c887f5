namespace Berth.Server.Api;

/// <summary>The answer to <c>POST /v1/fleet/rebalance</c>: what held, what moved, what was deleted, what was left.</summary>
/// <param name="Triggers">The triggers that held, as <c>kind: reason</c>.</param>
/// <param name="Moves">The migrations carried out.</param>
/// <param name="DeletedClusters">Clusters drained and deleted.</param>
/// <param name="Unhandled">Triggers or workloads not acted on, with why (no other pool qualifies, replicas still starting).</param>
public sealed record RebalanceResponse(
    IReadOnlyList<string> Triggers, IReadOnlyList<RebalanceMove> Moves, IReadOnlyList<string> DeletedClusters, IReadOnlyList<string> Unhandled);
