namespace Berth.Server.State;

/// <summary>What the store holds at <c>/retries/{namespace}/{workload}/{replica}</c>: retries survive restarts (DESIGN.md, "Failure model").</summary>
/// <param name="Workload">The workload the replica belongs to.</param>
/// <param name="Replica">The replica's index.</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="NextAttemptAt">When the next attempt is due; null when retries are exhausted.</param>
/// <param name="LastError">What the last failure reported, or null.</param>
public sealed record RetryState(WorkloadKey Workload, int Replica, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError);
