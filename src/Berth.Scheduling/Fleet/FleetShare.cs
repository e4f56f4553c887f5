namespace Berth.Scheduling.Fleet;

/// <summary>Replicas of a fleet workload in one cluster of one pool, with their cost.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="Region">The pool's region.</param>
/// <param name="Cluster">The cluster (existing, grown or to create).</param>
/// <param name="Replicas">How many replicas run there.</param>
/// <param name="HourlyCost">Their cost per hour (<see cref="FleetCostModel.ReplicaHourly"/> × replicas).</param>
public sealed record FleetShare(string Pool, string Region, PlannedCluster Cluster, int Replicas, decimal HourlyCost);
