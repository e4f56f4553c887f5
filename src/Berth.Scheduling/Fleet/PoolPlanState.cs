using Berth.Core.Fleet;
using Berth.Core.Specs;

namespace Berth.Scheduling.Fleet;

/// <summary>
/// One candidate pool while the planner fills it: its clusters (existing and planned) with their use, and its totals
/// against the pool's capacity and budget. Fit is checked on aggregate cores and memory per cluster; the scheduling
/// pipeline places the replicas on nodes afterwards.
/// </summary>
internal sealed class PoolPlanState
{
    // Fullness is compared with a little slack so that 0.8 of 10 cores is not refused by floating-point rounding.
    private const double Epsilon = 1e-9;

    private readonly FleetResources _replica;
    private readonly ClusterPolicy _clusterPolicy;

    public PoolPlanState(PoolSpec pool, IReadOnlyList<NodeClassSpec> fitting, IReadOnlyDictionary<string, NodeClassSpec> classes,
        ClusterPolicy clusterPolicy, FleetResources replica, IReadOnlyList<FleetClusterUsage> clusters, ISet<string> dependencyClusters)
    {
        Pool = pool;
        Fitting = fitting;
        _clusterPolicy = clusterPolicy;
        _replica = replica;
        foreach (var usage in clusters)
        {
            var cluster = usage.Cluster;
            if (cluster.Pool != pool.Name)
            {
                continue;
            }
            classes.TryGetValue(cluster.NodeClass, out var nodeClass);
            int nodes = cluster.Nodes.Count;
            Nodes += nodes;
            if (nodeClass is not null)
            {
                Cores += nodes * nodeClass.Resources.Cores;
                MemoryGi += nodes * nodeClass.Resources.MemoryGi;
                Hourly += nodes * nodeClass.HourlyCost(pool.Provider.Type);
            }
            // Draining and deleting clusters still count against capacity and cost, but take no new replicas.
            if (nodeClass is not null && cluster.Phase is FleetClusterPhase.Ready or FleetClusterPhase.Creating && Fits(nodeClass, replica))
            {
                Clusters.Add(new PlannedClusterState(cluster.Name, nodeClass, nodes, usage.UsedCores, usage.UsedMemoryGi,
                    dependencyClusters.Contains(cluster.Name)));
            }
        }
    }

    private PoolPlanState(PoolPlanState other)
    {
        Pool = other.Pool;
        Fitting = other.Fitting;
        _clusterPolicy = other._clusterPolicy;
        _replica = other._replica;
        Nodes = other.Nodes;
        Cores = other.Cores;
        MemoryGi = other.MemoryGi;
        Hourly = other.Hourly;
        Replicas = other.Replicas;
        foreach (var cluster in other.Clusters)
        {
            Clusters.Add(cluster.Copy());
        }
    }

    public PoolSpec Pool { get; }

    public IReadOnlyList<NodeClassSpec> Fitting { get; }

    public List<PlannedClusterState> Clusters { get; } = [];

    public int Nodes { get; private set; }

    public int Cores { get; private set; }

    public int MemoryGi { get; private set; }

    public decimal Hourly { get; private set; }

    public int Replicas { get; private set; }

    public int Proximity { get; set; }

    public double Score { get; set; }

    public decimal ReplicaHourly => FleetCostModel.ReplicaHourly(Fitting[0], Pool.Provider.Type, _replica);

    public static bool Fits(NodeClassSpec nodeClass, FleetResources replica) =>
        nodeClass.Resources.Cores + Epsilon >= replica.Cores && nodeClass.Resources.MemoryGi + Epsilon >= replica.MemoryGi;

    public PoolPlanState Copy() => new(this);

    /// <summary>The cores the pool can still offer: free in its clusters plus what capacity and budget let it add.</summary>
    public double AvailableCores()
    {
        double free = 0;
        foreach (var cluster in Clusters)
        {
            free += Math.Max(0, cluster.Nodes * cluster.NodeClass.Resources.Cores - cluster.UsedCores);
        }
        var nodeClass = Fitting[0];
        double addable = double.PositiveInfinity;
        var capacity = Pool.Capacity;
        if (capacity.MaxNodes is { } maxNodes)
        {
            addable = Math.Min(addable, Math.Max(0, maxNodes - Nodes) * (double)nodeClass.Resources.Cores);
        }
        if (capacity.MaxCores is { } maxCores)
        {
            addable = Math.Min(addable, Math.Max(0, maxCores - Cores));
        }
        if (capacity.MaxMemoryGi is { } maxMemory && nodeClass.Resources.MemoryGi > 0)
        {
            addable = Math.Min(addable, Math.Floor(Math.Max(0, maxMemory - MemoryGi) / (double)nodeClass.Resources.MemoryGi) * nodeClass.Resources.Cores);
        }
        decimal nodeCost = nodeClass.HourlyCost(Pool.Provider.Type);
        if (Pool.Budget is { } budget && nodeCost > 0)
        {
            decimal spare = budget.MaxMonthlyCost / FleetCostModel.HoursPer30Days - Hourly;
            addable = Math.Min(addable, Math.Max(0, Math.Floor((double)(spare / nodeCost))) * nodeClass.Resources.Cores);
        }
        return free + addable;
    }

    /// <summary>Adds one replica: to the fullest cluster below the threshold, else by growing one, else in a new cluster.</summary>
    public bool TryAdd(out string? failure)
    {
        failure = null;
        PlannedClusterState? best = null;
        foreach (var cluster in Clusters)
        {
            if (FitsUnderThreshold(cluster, cluster.Nodes) && (best is null || Before(cluster, best)))
            {
                best = cluster;
            }
        }
        if (best is not null)
        {
            Take(best);
            return true;
        }

        // Grow: the fewest nodes that bring the fullest growable cluster back under the threshold.
        PlannedClusterState? grown = null;
        int growBy = 0;
        foreach (var cluster in Clusters)
        {
            for (int add = 1; cluster.Nodes + add <= _clusterPolicy.MaxNodes; add++)
            {
                if (!FitsUnderThreshold(cluster, cluster.Nodes + add))
                {
                    continue;
                }
                if (!AllowsNodes(cluster.NodeClass, add, out var why))
                {
                    failure = why;
                }
                else if (grown is null || Before(cluster, grown))
                {
                    grown = cluster;
                    growBy = add;
                }
                break;
            }
        }
        if (grown is not null)
        {
            AddNodes(grown.NodeClass, growBy);
            grown.Nodes += growBy;
            Take(grown);
            return true;
        }

        foreach (var nodeClass in Fitting)
        {
            var created = new PlannedClusterState(null, nodeClass, 0, 0, 0, false);
            int nodes = Math.Max(1, _clusterPolicy.MinNodes);
            while (nodes <= Math.Max(_clusterPolicy.MaxNodes, _clusterPolicy.MinNodes) && !FitsUnderThreshold(created, nodes))
            {
                nodes++;
            }
            if (!FitsUnderThreshold(created, nodes))
            {
                continue;
            }
            if (!AllowsNodes(nodeClass, nodes, out var why))
            {
                failure = why;
                continue;
            }
            AddNodes(nodeClass, nodes);
            created.Nodes = nodes;
            Clusters.Add(created);
            Take(created);
            return true;
        }
        failure ??= FleetPlanMessages.ClustersFull(_clusterPolicy);
        return false;
    }

    private void Take(PlannedClusterState cluster)
    {
        cluster.UsedCores += _replica.Cores;
        cluster.UsedMemoryGi += _replica.MemoryGi;
        cluster.Added++;
        Replicas++;
    }

    private void AddNodes(NodeClassSpec nodeClass, int count)
    {
        Nodes += count;
        Cores += count * nodeClass.Resources.Cores;
        MemoryGi += count * nodeClass.Resources.MemoryGi;
        Hourly += count * nodeClass.HourlyCost(Pool.Provider.Type);
    }

    private bool AllowsNodes(NodeClassSpec nodeClass, int count, out string? why)
    {
        var capacity = Pool.Capacity;
        why = null;
        if (capacity.MaxNodes is { } maxNodes && Nodes + count > maxNodes)
        {
            why = FleetPlanMessages.MaxNodesReached(Nodes, count, maxNodes);
        }
        else if (capacity.MaxCores is { } maxCores && Cores + count * nodeClass.Resources.Cores > maxCores)
        {
            why = FleetPlanMessages.MaxCoresReached(Cores, count * nodeClass.Resources.Cores, maxCores);
        }
        else if (capacity.MaxMemoryGi is { } maxMemory && MemoryGi + count * nodeClass.Resources.MemoryGi > maxMemory)
        {
            why = FleetPlanMessages.MaxMemoryReached(MemoryGi, count * nodeClass.Resources.MemoryGi, maxMemory);
        }
        else if (Pool.Budget is { } budget)
        {
            decimal projected = FleetCostModel.Projected30Day(Hourly + count * nodeClass.HourlyCost(Pool.Provider.Type));
            if (projected > budget.MaxMonthlyCost)
            {
                why = FleetPlanMessages.OverBudget(projected, budget);
            }
        }
        return why is null;
    }

    private bool FitsUnderThreshold(PlannedClusterState cluster, int nodes)
    {
        double cores = nodes * (double)cluster.NodeClass.Resources.Cores;
        double memory = nodes * (double)cluster.NodeClass.Resources.MemoryGi;
        if (cores <= 0 || memory <= 0)
        {
            return false;
        }
        double usedCores = cluster.UsedCores + _replica.Cores;
        double usedMemory = cluster.UsedMemoryGi + _replica.MemoryGi;
        if (usedCores > cores + Epsilon || usedMemory > memory + Epsilon)
        {
            return false;
        }
        return Math.Max(usedCores / cores, usedMemory / memory) <= _clusterPolicy.BinPackingThreshold + Epsilon;
    }

    // Bin packing: a cluster running a latency-bound dependency first, then the fuller, then existing before new, then by name.
    private static bool Before(PlannedClusterState a, PlannedClusterState b)
    {
        if (a.HostsDependency != b.HostsDependency)
        {
            return a.HostsDependency;
        }
        double ua = a.Utilization, ub = b.Utilization;
        if (Math.Abs(ua - ub) > Epsilon)
        {
            return ua > ub;
        }
        if (a.IsNew != b.IsNew)
        {
            return !a.IsNew;
        }
        return string.CompareOrdinal(a.Name, b.Name) < 0;
    }
}
