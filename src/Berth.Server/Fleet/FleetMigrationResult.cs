namespace Berth.Server.Fleet;

/// <summary>How a fleet migration ended.</summary>
/// <param name="Completed">True when the workload reached its target shares.</param>
/// <param name="Shares">The shares (cluster → replicas) it has now.</param>
/// <param name="EmptiedClusters">Clusters whose share was removed and where no derived workload is left: they may be deleted.</param>
/// <param name="Message">What happened, for the caller to show (the last event's message).</param>
public sealed record FleetMigrationResult(bool Completed, IReadOnlyDictionary<string, int> Shares, IReadOnlyList<string> EmptiedClusters, string Message);
