using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Scheduling.Fleet;

/// <summary>
/// Decides where a fleet workload's replicas go, as pool and cluster shares, in three phases whose rejections are all
/// kept for the explanation: (1) pools by selector, compliance, node classes, capacity and budget; (2) rank the rest
/// by dependency proximity, then the policies' weighted preferences; (3) give each required region and then each
/// further region (minRegions) a replica in its best pool, the rest to the best pool the spread constraint allows, each
/// replica to a cluster by bin packing, growth or creation. Pure: the same request gives the same plan.
/// </summary>
public static class FleetPlanner
{
    /// <summary>Plans <paramref name="request"/>'s workload.</summary>
    public static FleetPlan Plan(FleetPlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workload = request.Workload;
        var placement = workload.Placement ?? throw new ArgumentException(FleetPlanMessages.NotAFleetWorkload(workload.Key), nameof(request));
        var policy = FleetPolicy.For(workload, request.Policies);
        var replica = ReplicaResources(workload);
        var classes = new Dictionary<string, NodeClassSpec>(StringComparer.Ordinal);
        foreach (var nodeClass in request.NodeClasses)
        {
            classes[nodeClass.Name] = nodeClass;
        }
        var dependencyClusters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var location in request.Dependencies)
        {
            if (placement.Latency.ContainsKey(location.Workload) && location.Cluster.Length > 0)
            {
                dependencyClusters.Add(location.Cluster);
            }
        }

        // Phase 1: pools that could take a replica at all.
        var rejected = new List<FleetRejection>();
        var candidates = new List<PoolPlanState>();
        var pools = new List<PoolSpec>(request.Pools);
        pools.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var pool in pools)
        {
            var why = Disqualification(pool, placement, policy, classes, replica, out var fitting);
            if (why is null)
            {
                var state = new PoolPlanState(pool, fitting, classes, policy.ClusterPolicy, replica, request.Clusters, dependencyClusters);
                if (state.Copy().TryAdd(out var failure))
                {
                    candidates.Add(state);
                    continue;
                }
                why = failure!;
            }
            rejected.Add(new FleetRejection(pool.Name, pool.Region, FleetPlanPhase.Pools, why));
        }

        // Phase 2: proximity to latency-bound dependencies outranks preferences, which are weighed against each other.
        foreach (var state in candidates)
        {
            state.Proximity = Proximity(state.Pool, placement, request.Dependencies);
        }
        Score(candidates, policy.Preferences);
        candidates.Sort(Compare);
        var ranking = new List<RankedPool>(candidates.Count);
        foreach (var state in candidates)
        {
            ranking.Add(new RankedPool(state.Pool.Name, state.Pool.Region, state.Proximity, state.Score, state.ReplicaHourly, state.AvailableCores()));
        }

        // Phase 3: shares.
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        int replicas = Math.Max(0, workload.Replicas);
        string? infeasible = Distribute(candidates, policy, replicas, failures, rejected, pools.Count);
        foreach (var (pool, failure) in failures)
        {
            var state = candidates.Find(c => c.Pool.Name == pool)!;
            if (state.Replicas == 0)
            {
                rejected.Add(new FleetRejection(pool, state.Pool.Region, FleetPlanPhase.Clusters, failure));
            }
        }
        if (infeasible is not null)
        {
            return new FleetPlan(false, [], infeasible, rejected, ranking, policy.Policies);
        }

        var shares = new List<FleetShare>();
        var perPool = new List<(string, int)>();
        for (int rank = 0; rank < candidates.Count; rank++)
        {
            var state = candidates[rank];
            if (state.Replicas == 0)
            {
                if (!failures.ContainsKey(state.Pool.Name))
                {
                    rejected.Add(new FleetRejection(state.Pool.Name, state.Pool.Region, FleetPlanPhase.Ranking,
                        FleetPlanMessages.NotNeeded(rank + 1, candidates.Count, state.ReplicaHourly)));
                }
                continue;
            }
            perPool.Add((state.Pool.Name, state.Replicas));
            foreach (var cluster in state.Clusters)
            {
                if (cluster.Added == 0)
                {
                    continue;
                }
                var planned = new PlannedCluster(state.Pool.Name, cluster.Name, cluster.NodeClass.Name, cluster.NodesBefore, cluster.Nodes);
                decimal hourly = cluster.Added * FleetCostModel.ReplicaHourly(cluster.NodeClass, state.Pool.Provider.Type, replica);
                shares.Add(new FleetShare(state.Pool.Name, state.Pool.Region, planned, cluster.Added, hourly));
            }
        }
        return new FleetPlan(true, shares, FleetPlanMessages.Placed(perPool, policy, candidates.Count), rejected, ranking, policy.Policies);
    }

    /// <summary>
    /// What one replica needs: <c>placement.resources</c> when given, else its containers' requests (the larger of the
    /// init containers' and the sum of the containers', as the node scheduler counts) plus overhead.
    /// </summary>
    public static FleetResources ReplicaResources(WorkloadSpec workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (workload.Placement?.Resources is { } given)
        {
            return given;
        }
        long milliCpu = 0, memory = 0, initMilliCpu = 0, initMemory = 0;
        foreach (var container in workload.Containers)
        {
            var requests = container.Resources.EffectiveRequests;
            milliCpu += requests.Units(ResourceNames.Cpu);
            memory += requests.Units(ResourceNames.Memory);
        }
        foreach (var container in workload.InitContainers)
        {
            var requests = container.Resources.EffectiveRequests;
            initMilliCpu = Math.Max(initMilliCpu, requests.Units(ResourceNames.Cpu));
            initMemory = Math.Max(initMemory, requests.Units(ResourceNames.Memory));
        }
        milliCpu = Math.Max(milliCpu, initMilliCpu) + workload.Overhead.Units(ResourceNames.Cpu);
        memory = Math.Max(memory, initMemory) + workload.Overhead.Units(ResourceNames.Memory);
        return new FleetResources(milliCpu / 1000.0, memory / (double)(1L << 30));
    }

    private static string? Disqualification(PoolSpec pool, FleetPlacement placement, FleetPolicy policy,
        Dictionary<string, NodeClassSpec> classes, FleetResources replica, out List<NodeClassSpec> fitting)
    {
        fitting = [];
        if (placement.Pools is { } selector && !selector.Matches(pool.Labels))
        {
            return FleetPlanMessages.NotSelected(selector);
        }
        foreach (var regime in policy.Compliance)
        {
            if (!pool.Compliance.Contains(regime, StringComparer.Ordinal))
            {
                return FleetPlanMessages.MissingCompliance(regime);
            }
        }
        foreach (var name in pool.NodeClasses)
        {
            if (classes.TryGetValue(name, out var nodeClass) && PoolPlanState.Fits(nodeClass, replica))
            {
                fitting.Add(nodeClass);
            }
        }
        return fitting.Count == 0 ? FleetPlanMessages.NoNodeClassFits(pool.NodeClasses, replica) : null;
    }

    private static int Proximity(PoolSpec pool, FleetPlacement placement, IReadOnlyList<DependencyLocation> locations)
    {
        pool.Labels.TryGetValue("zone", out var zone);
        int total = 0;
        foreach (var dependency in placement.Latency.Keys)
        {
            int best = 0;
            foreach (var location in locations)
            {
                if (location.Workload != dependency)
                {
                    continue;
                }
                int score = location.Pool == pool.Name ? 3
                    : zone is not null && location.Zone == zone ? 2
                    : location.Region == pool.Region ? 1
                    : 0;
                best = Math.Max(best, score);
            }
            total += best;
        }
        return total;
    }

    // Each preference maps its measure onto 0–1 over the candidates (min–max, the preferred end 1); the score is the weighted mean.
    private static void Score(List<PoolPlanState> candidates, IReadOnlyList<PolicyPreference> preferences)
    {
        double totalWeight = 0;
        var scores = new double[candidates.Count];
        var values = new double[candidates.Count];
        foreach (var preference in preferences)
        {
            if (preference.Weight <= 0)
            {
                continue;
            }
            totalWeight += preference.Weight;
            double maxFinite = 0;
            for (int i = 0; i < candidates.Count; i++)
            {
                values[i] = preference.SortBy == PoolSortKey.Cost ? (double)candidates[i].ReplicaHourly : candidates[i].AvailableCores();
                if (!double.IsPositiveInfinity(values[i]))
                {
                    maxFinite = Math.Max(maxFinite, values[i]);
                }
            }
            // An unlimited pool has more room than any limited one.
            double min = double.MaxValue, max = double.MinValue;
            for (int i = 0; i < candidates.Count; i++)
            {
                if (double.IsPositiveInfinity(values[i]))
                {
                    values[i] = maxFinite * 2 + 1;
                }
                min = Math.Min(min, values[i]);
                max = Math.Max(max, values[i]);
            }
            for (int i = 0; i < candidates.Count; i++)
            {
                double normalized = max - min <= 0 ? 1
                    : preference.Order == SortOrder.Ascending ? (max - values[i]) / (max - min)
                    : (values[i] - min) / (max - min);
                scores[i] += preference.Weight * normalized;
            }
        }
        for (int i = 0; i < candidates.Count; i++)
        {
            candidates[i].Score = totalWeight > 0 ? Math.Round(scores[i] / totalWeight, 6) : 1;
        }
    }

    private static int Compare(PoolPlanState a, PoolPlanState b)
    {
        int byProximity = b.Proximity.CompareTo(a.Proximity);
        if (byProximity != 0)
        {
            return byProximity;
        }
        int byScore = b.Score.CompareTo(a.Score);
        if (byScore != 0)
        {
            return byScore;
        }
        int byCost = a.ReplicaHourly.CompareTo(b.ReplicaHourly);
        return byCost != 0 ? byCost : string.CompareOrdinal(a.Pool.Name, b.Pool.Name);
    }

    private static string? Distribute(List<PoolPlanState> ranked, FleetPolicy policy, int replicas,
        Dictionary<string, string> failures, List<FleetRejection> rejected, int pools)
    {
        if (ranked.Count == 0)
        {
            return FleetPlanMessages.NoCandidatePools(pools);
        }
        int regionsNeeded = Math.Max(policy.RequiredRegions.Count, policy.MinRegions);
        if (replicas < regionsNeeded)
        {
            return FleetPlanMessages.TooFewReplicas(replicas, regionsNeeded);
        }
        int placed = 0;
        var regions = new HashSet<string>(StringComparer.Ordinal);

        bool Add(PoolPlanState state)
        {
            if (state.TryAdd(out var failure))
            {
                placed++;
                regions.Add(state.Pool.Region);
                return true;
            }
            failures[state.Pool.Name] = failure!;
            return false;
        }

        // Every required region first, each with its best pool that can take a replica.
        foreach (var region in policy.RequiredRegions)
        {
            bool covered = false;
            foreach (var state in ranked)
            {
                if (state.Pool.Region == region && Add(state))
                {
                    covered = true;
                    break;
                }
            }
            if (!covered)
            {
                var why = new List<FleetRejection>(rejected);
                foreach (var (pool, failure) in failures)
                {
                    var state = ranked.Find(c => c.Pool.Name == pool)!;
                    why.Add(new FleetRejection(pool, state.Pool.Region, FleetPlanPhase.Clusters, failure));
                }
                return FleetPlanMessages.NoPoolInRequiredRegion(region, why);
            }
        }

        // Then further regions, best pool first, until minRegions is met.
        while (regions.Count < policy.MinRegions)
        {
            bool added = false;
            foreach (var state in ranked)
            {
                if (!regions.Contains(state.Pool.Region) && Add(state))
                {
                    added = true;
                    break;
                }
            }
            if (!added)
            {
                return FleetPlanMessages.TooFewRegions(policy.MinRegions, regions.Count);
            }
        }

        // The rest each to the best pool the spread constraint allows.
        while (placed < replicas)
        {
            bool added = false;
            foreach (var state in ranked)
            {
                if (SpreadAllows(ranked, state, policy.Spread) && Add(state))
                {
                    added = true;
                    break;
                }
            }
            if (!added)
            {
                return FleetPlanMessages.NoRoom(placed + 1, replicas, policy.Spread);
            }
        }
        return null;
    }

    // Skew over the domains in use once the replica is added: region, or pool for any other key.
    private static bool SpreadAllows(List<PoolPlanState> ranked, PoolPlanState candidate, FleetSpreadConstraint? spread)
    {
        if (spread is null)
        {
            return true;
        }
        bool byRegion = spread.TopologyKey == "region";
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var state in ranked)
        {
            if (state.Replicas > 0)
            {
                string domain = byRegion ? state.Pool.Region : state.Pool.Name;
                counts[domain] = counts.GetValueOrDefault(domain) + state.Replicas;
            }
        }
        string target = byRegion ? candidate.Pool.Region : candidate.Pool.Name;
        counts[target] = counts.GetValueOrDefault(target) + 1;
        int min = int.MaxValue, max = 0;
        foreach (var count in counts.Values)
        {
            min = Math.Min(min, count);
            max = Math.Max(max, count);
        }
        return max - min <= Math.Max(1, spread.MaxSkew);
    }
}
