using System.Globalization;
using Berth.Core.Fleet;

namespace Berth.Scheduling.Fleet;

/// <summary>
/// Finds the automatic reasons to move fleet workloads: budget exceeded, capacity exhausted, consolidation of underused
/// clusters, and pools that lost a compliance label a workload needs. Manual rebalances are asked for, not detected.
/// </summary>
public static class RebalanceTriggers
{
    /// <summary>
    /// The triggers that hold for <paramref name="pools"/>, <paramref name="clusters"/> and the fleet workloads'
    /// <paramref name="workloads"/> shares; in the order budget, capacity, compliance, consolidation, each by pool
    /// (then cluster) name.
    /// </summary>
    public static IReadOnlyList<RebalanceTrigger> Detect(
        IReadOnlyList<PoolLoad> pools, IReadOnlyList<ClusterLoad> clusters, IReadOnlyList<WorkloadShares> workloads)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(workloads);
        var triggers = new List<RebalanceTrigger>();
        var ordered = pools.OrderBy(p => p.Pool.Name, StringComparer.Ordinal).ToList();

        foreach (var load in ordered)
        {
            if (load.Pool.Budget is { } budget && load.ProjectedMonthlyCost > budget.MaxMonthlyCost)
            {
                var inPool = WorkloadsIn(workloads, load.Pool.Name, _ => true);
                if (inPool.Count > 0)
                {
                    triggers.Add(new RebalanceTrigger(RebalanceTriggerKind.BudgetExceeded, load.Pool.Name, null, null, inPool,
                        Format(MigrationMessages.BudgetExceeded, load.Pool.Name, load.ProjectedMonthlyCost, budget.MaxMonthlyCost, budget.Currency)));
                }
            }
        }

        foreach (var load in ordered)
        {
            if (LimitReached(load) is not { } limit)
            {
                continue;
            }
            // A full pool is only a reason to move when something placed in it cannot run; a pool that is full and
            // healthy is just well packed.
            var waiting = 0;
            var starved = WorkloadsIn(workloads, load.Pool.Name, s =>
            {
                waiting += Math.Max(0, s.Replicas - s.Running);
                return s.Running < s.Replicas;
            });
            if (starved.Count > 0)
            {
                triggers.Add(new RebalanceTrigger(RebalanceTriggerKind.CapacityExhausted, load.Pool.Name, null, null, starved,
                    Format(MigrationMessages.CapacityExhausted, load.Pool.Name, limit.Name, limit.Used, limit.Max, waiting)));
            }
        }

        foreach (var load in ordered)
        {
            var byMissing = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var workload in workloads)
            {
                if (!workload.Shares.Any(s => s.Pool == load.Pool.Name && s.Replicas > 0))
                {
                    continue;
                }
                var missing = workload.Compliance.Where(c => !load.Pool.Compliance.Contains(c, StringComparer.Ordinal))
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                if (missing.Count == 0)
                {
                    continue;
                }
                var key = string.Join(", ", missing);
                if (!byMissing.TryGetValue(key, out var keys))
                {
                    byMissing[key] = keys = [];
                }
                keys.Add(workload.Workload);
            }
            foreach (var (missing, keys) in byMissing)
            {
                keys.Sort(StringComparer.Ordinal);
                triggers.Add(new RebalanceTrigger(RebalanceTriggerKind.ComplianceLost, load.Pool.Name, null, null, keys,
                    Format(MigrationMessages.ComplianceLost, load.Pool.Name, missing, string.Join(", ", keys))));
            }
        }

        triggers.AddRange(Consolidations(clusters, workloads));
        return triggers;
    }

    /// <summary>
    /// Underused Ready clusters (consolidation enabled, utilization under its minimum) whose load fits into a fuller Ready
    /// cluster of the same pool below that cluster's bin-packing threshold. The emptiest are drained first, and a
    /// cluster chosen to receive is not drained in the same pass, so two clusters never drain into each other.
    /// </summary>
    private static IEnumerable<RebalanceTrigger> Consolidations(IReadOnlyList<ClusterLoad> clusters, IReadOnlyList<WorkloadShares> workloads)
    {
        var ready = clusters.Where(c => c.Cluster.Phase == FleetClusterPhase.Ready).ToList();
        // Projected load of each receiving cluster, in "node-fractions" (utilization × nodes), as drains are assigned.
        var load = ready.ToDictionary(c => c.Cluster.Name, c => c.Utilization * c.Cluster.Nodes.Count, StringComparer.Ordinal);
        var draining = new HashSet<string>(StringComparer.Ordinal);
        var receiving = new HashSet<string>(StringComparer.Ordinal);
        var candidates = ready
            .Where(c => c.Policy.Consolidation.Enabled && c.Utilization < c.Policy.Consolidation.MinUtilization)
            .OrderBy(c => c.Cluster.Pool, StringComparer.Ordinal).ThenBy(c => c.Utilization).ThenBy(c => c.Cluster.Name, StringComparer.Ordinal);
        foreach (var source in candidates)
        {
            if (receiving.Contains(source.Cluster.Name))
            {
                continue;
            }
            var moving = load[source.Cluster.Name];
            var into = ready
                .Where(c => c.Cluster.Pool == source.Cluster.Pool && c.Cluster.Name != source.Cluster.Name && !draining.Contains(c.Cluster.Name))
                .Where(c => c.Cluster.Nodes.Count > 0
                    && (load[c.Cluster.Name] + moving) / c.Cluster.Nodes.Count <= c.Policy.BinPackingThreshold)
                // Bin packing: the fullest cluster that still has room takes the load.
                .OrderByDescending(c => load[c.Cluster.Name] / c.Cluster.Nodes.Count).ThenBy(c => c.Cluster.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (into is null)
            {
                continue;
            }
            draining.Add(source.Cluster.Name);
            receiving.Add(into.Cluster.Name);
            load[into.Cluster.Name] += moving;
            load[source.Cluster.Name] = 0;
            var affected = workloads.Where(w => w.Shares.Any(s => s.Cluster == source.Cluster.Name && s.Replicas > 0))
                .Select(w => w.Workload).Order(StringComparer.Ordinal).ToList();
            yield return new RebalanceTrigger(RebalanceTriggerKind.Consolidation, source.Cluster.Pool, source.Cluster.Name, into.Cluster.Name,
                affected, Format(MigrationMessages.Underused, source.Cluster.Name, source.Utilization, source.Policy.Consolidation.MinUtilization));
        }
    }

    private static List<string> WorkloadsIn(IReadOnlyList<WorkloadShares> workloads, string pool, Func<WorkloadShare, bool> matches)
    {
        var keys = new List<string>();
        foreach (var workload in workloads)
        {
            var hit = false;
            foreach (var share in workload.Shares)
            {
                if (share.Pool == pool && share.Replicas > 0 && matches(share))
                {
                    hit = true;
                }
            }
            if (hit)
            {
                keys.Add(workload.Workload);
            }
        }
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private static (string Name, int Used, int Max)? LimitReached(PoolLoad load)
    {
        var capacity = load.Pool.Capacity;
        if (capacity.MaxNodes is { } nodes && load.Nodes >= nodes)
        {
            return ("nodes", load.Nodes, nodes);
        }
        if (capacity.MaxCores is { } cores && load.Cores >= cores)
        {
            return ("cores", load.Cores, cores);
        }
        if (capacity.MaxMemoryGi is { } memory && load.MemoryGi >= memory)
        {
            return ("memoryGi", load.MemoryGi, memory);
        }
        return null;
    }

    private static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
