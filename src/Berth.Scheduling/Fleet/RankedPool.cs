namespace Berth.Scheduling.Fleet;

/// <summary>A candidate pool with its phase-2 rank: dependency proximity first, then the policy's weighted preferences.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="Region">Its region.</param>
/// <param name="Proximity">Summed over latency-bound dependencies: 3 same cluster possible, 2 same zone, 1 same region, 0 otherwise.</param>
/// <param name="Score">The weighted preferences, 0–1 (1 when the policy has none).</param>
/// <param name="ReplicaHourlyCost">What one replica costs per hour in the pool (its first fitting node class).</param>
/// <param name="AvailableCores">Cores the pool can still offer (free in its clusters plus what its capacity lets it add); infinity when unlimited.</param>
public sealed record RankedPool(string Pool, string Region, int Proximity, double Score, decimal ReplicaHourlyCost, double AvailableCores);
