namespace Berth.Scheduling.Fleet;

/// <summary>Where a fleet workload runs now, and what any pool it runs in must meet.</summary>
/// <param name="Workload">The fleet workload's key (<c>namespace/name</c>).</param>
/// <param name="Compliance">The compliance regimes required of its pools (its own and its placement policies').</param>
/// <param name="MinReplicas">The fewest replicas it may have Running.</param>
/// <param name="Shares">Its share in each cluster it runs in.</param>
public sealed record WorkloadShares(string Workload, IReadOnlyList<string> Compliance, int MinReplicas, IReadOnlyList<WorkloadShare> Shares)
{
    /// <summary>Cluster → replicas asked for there.</summary>
    public IReadOnlyDictionary<string, int> ByCluster()
    {
        var byCluster = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var share in Shares)
        {
            byCluster[share.Cluster] = byCluster.GetValueOrDefault(share.Cluster) + share.Replicas;
        }
        return byCluster;
    }
}
