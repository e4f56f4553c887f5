namespace Berth.Server.Retries;

/// <summary>One replica <see cref="RetryEngine.DueAsync"/> made run again.</summary>
/// <param name="Replica">The replica, <c>namespace/name/replica</c>.</param>
/// <param name="Attempt">The retry's number, from 1 (the replica's start number minus one).</param>
/// <param name="Node">The node its failed attempt ran on.</param>
/// <param name="Kind">Whether it restarts in place or is placed elsewhere.</param>
public sealed record RestartedReplica(string Replica, int Attempt, string Node, RestartKind Kind);
