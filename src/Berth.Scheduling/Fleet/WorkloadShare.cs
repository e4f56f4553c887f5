namespace Berth.Scheduling.Fleet;

/// <summary>A fleet workload's share in one cluster: the replicas of its derived workload there.</summary>
/// <param name="Cluster">The cluster.</param>
/// <param name="Pool">The cluster's pool.</param>
/// <param name="Replicas">The replicas asked for.</param>
/// <param name="Running">The replicas Running now.</param>
public sealed record WorkloadShare(string Cluster, string Pool, int Replicas, int Running);
