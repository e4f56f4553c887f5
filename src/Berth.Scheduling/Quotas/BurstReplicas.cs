using Berth.Core.Resources;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Quotas;

/// <summary>
/// Which placed replicas are burst: in a namespace that uses more than a soft limit of its quotas, its least important
/// replicas (lowest priority, then latest started, then latest placed) that make up the excess. Preemption evicts them
/// first when a replica within its own namespace's guarantee needs room.
/// </summary>
/// <remarks>
/// Worked out from the snapshot each time rather than marked at placement, so the answer stays right when replicas
/// leave or quotas change, and a control plane needs to store nothing more than its assignments.
/// </remarks>
public static class BurstReplicas
{
    /// <summary>
    /// The burst replicas that <paramref name="incoming"/> may evict: none when it would itself be burst (burst replicas
    /// use only idle capacity, never another's), else every burst replica of every namespace.
    /// </summary>
    public static IReadOnlySet<PlacedReplica> EvictableBy(ClusterSnapshot snapshot, ReplicaInfo incoming)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(incoming);
        if (snapshot.Quotas.Count == 0)
        {
            return Empty;
        }
        var usage = Count(snapshot, out var byNamespace);
        if (usage.Check(incoming.Namespace, QuotaDemand.PerReplica(incoming.Workload)) is not { IsAdmitted: true, Burst: false })
        {
            return Empty;
        }
        return Mark(usage, byNamespace);
    }

    /// <summary>
    /// True when placing one more replica of <paramref name="incoming"/> takes its namespace past a soft limit (counting the
    /// replicas placed in the snapshot): such a replica may use only idle capacity, never evict anyone.
    /// </summary>
    public static bool IsBurst(ClusterSnapshot snapshot, ReplicaInfo incoming)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(incoming);
        if (snapshot.Quotas.Count == 0)
        {
            return false;
        }
        var usage = Count(snapshot, out _);
        return usage.Check(incoming.Namespace, QuotaDemand.PerReplica(incoming.Workload)).Burst;
    }

    /// <summary>Every burst replica of the snapshot (for reports and tests).</summary>
    public static IReadOnlySet<PlacedReplica> All(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Quotas.Count == 0)
        {
            return Empty;
        }
        var usage = Count(snapshot, out var byNamespace);
        return Mark(usage, byNamespace);
    }

    private static HashSet<PlacedReplica> Mark(QuotaUsage usage, Dictionary<string, List<(PlacedReplica Replica, ResourceList Demand)>> byNamespace)
    {
        var burst = new HashSet<PlacedReplica>(ReferenceEqualityComparer.Instance);
        foreach (var (ns, replicas) in byNamespace)
        {
            if (usage.IsAboveSoft(ns))
            {
                MarkExcess(usage, ns, replicas, burst);
            }
        }
        return burst;
    }

    private static readonly IReadOnlySet<PlacedReplica> Empty = new HashSet<PlacedReplica>();

    /// <summary>Usage per namespace of the placed replicas, and the replicas of each soft-limited namespace in placement order.</summary>
    private static QuotaUsage Count(ClusterSnapshot snapshot, out Dictionary<string, List<(PlacedReplica Replica, ResourceList Demand)>> byNamespace)
    {
        var usage = new QuotaUsage(snapshot.Quotas);
        byNamespace = new(StringComparer.Ordinal);
        foreach (var group in snapshot.Groups)
        {
            if (group.Count == 0 || !usage.IsLimited(group.Info.Namespace))
            {
                continue;
            }
            var demand = QuotaDemand.PerReplica(group.Info.Workload);
            var ns = group.Info.Namespace;
            if (!byNamespace.TryGetValue(ns, out var list))
            {
                list = [];
                byNamespace[ns] = list;
            }
            foreach (var replica in group.Replicas)
            {
                usage.Add(ns, demand);
                list.Add((replica, demand));
            }
        }
        return usage;
    }

    /// <summary>Takes the namespace's least important replicas off its usage, each marked burst, until no soft limit is passed.</summary>
    private static void MarkExcess(QuotaUsage usage, string ns, List<(PlacedReplica Replica, ResourceList Demand)> replicas, HashSet<PlacedReplica> burst)
    {
        // Least important first; among equals the later placed (the list keeps placement order) goes first.
        var order = replicas.Select((r, i) => (r.Replica, r.Demand, Index: i))
            .OrderBy(r => r.Replica.Priority)
            .ThenByDescending(r => r.Replica.StartTime ?? DateTimeOffset.MaxValue)
            .ThenByDescending(r => r.Index);
        foreach (var (replica, demand, _) in order)
        {
            if (!usage.IsAboveSoft(ns))
            {
                return;
            }
            if (HelpsExcess(usage, ns, demand))
            {
                burst.Add(replica);
                usage.Remove(ns, demand);
            }
        }
    }

    /// <summary>True when the demand holds some of a resource the namespace uses more of than a soft limit allows.</summary>
    private static bool HelpsExcess(QuotaUsage usage, string ns, ResourceList demand)
    {
        foreach (var quota in usage.QuotasOf(ns))
        {
            foreach (var (resource, soft) in quota.Soft)
            {
                if (usage.Used(ns, resource) > soft.Amount && demand.Get(resource).Amount > 0)
                {
                    return true;
                }
            }
        }
        return false;
    }
}
