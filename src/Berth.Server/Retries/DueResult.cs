namespace Berth.Server.Retries;

/// <summary>What one <see cref="RetryEngine.DueAsync"/> pass changed.</summary>
/// <param name="Restarted">Replicas set to run again, in key order.</param>
/// <param name="Conflicts">Replicas (<c>namespace/name/replica</c>) left for the next pass because concurrent writes kept winning.</param>
public sealed record DueResult(IReadOnlyList<RestartedReplica> Restarted, IReadOnlyList<string> Conflicts);
