using System.Security.Cryptography;
using System.Text;
using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Server.State;

namespace Berth.Server.Fleet;

/// <summary>How fleet workloads relate to the ordinary placement: the workloads derived from them, and what the node placer sees of them.</summary>
public static class FleetWorkloads
{
    /// <summary>The longest workload name (a DNS-1123 label).</summary>
    private const int MaxNameLength = 63;

    /// <summary>
    /// The name of the workload that runs <paramref name="workload"/>'s share in <paramref name="cluster"/>:
    /// <c>{workload}-{cluster}</c>, or, when that is longer than a name may be, the workload's name cut short and a hash of
    /// it in front of the cluster's, so that two long workloads sharing a prefix still get different names.
    /// </summary>
    public static string DerivedName(string workload, string cluster)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(cluster);
        var full = workload + "-" + cluster;
        if (full.Length <= MaxNameLength)
        {
            return full;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(workload)))[..6];
        int room = Math.Max(0, MaxNameLength - cluster.Length - hash.Length - 2);
        var prefix = workload[..Math.Min(room, workload.Length)].TrimEnd('-');
        return prefix.Length == 0 ? $"{hash}-{cluster}" : $"{prefix}-{hash}-{cluster}";
    }

    /// <summary>
    /// The workload that runs <paramref name="replicas"/> of <paramref name="workload"/> in <paramref name="cluster"/>: its
    /// spec without placement, pinned to the cluster's nodes and labelled with the fleet workload's name.
    /// </summary>
    public static WorkloadSpec Derive(WorkloadSpec workload, string cluster, int replicas)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var selector = new Dictionary<string, string>(workload.NodeSelector, StringComparer.Ordinal) { [FleetLabels.Cluster] = cluster };
        var labels = new Dictionary<string, string>(workload.Labels, StringComparer.Ordinal) { [FleetLabels.FleetWorkload] = workload.Name };
        return workload with
        {
            Name = DerivedName(workload.Name, cluster),
            Replicas = replicas,
            ReplicaRange = null,
            NodeSelector = selector,
            Labels = labels,
            Placement = null,
        };
    }

    /// <summary>
    /// What the node placer and reconciler act on for a stored workload: a fleet workload runs nothing itself (its
    /// derived workloads do), so it is seen with no replicas; any other workload as stored.
    /// </summary>
    public static Stored<WorkloadSpec>? PlacedLocally(Stored<WorkloadSpec>? stored) =>
        stored is { Value.Placement: not null } fleet ? fleet with { Value = fleet.Value with { Replicas = 0 } } : stored;
}
