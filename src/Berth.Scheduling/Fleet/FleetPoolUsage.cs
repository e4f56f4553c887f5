using Berth.Core.Fleet;
using Berth.Core.Specs;

namespace Berth.Scheduling.Fleet;

/// <summary>What a pool's clusters take of its capacity and budget (<c>berth get pools</c>, budget alerts).</summary>
/// <param name="Pool">The pool's name.</param>
/// <param name="Clusters">Its clusters.</param>
/// <param name="Nodes">Nodes over all its clusters.</param>
/// <param name="Cores">Cores over all its nodes.</param>
/// <param name="MemoryGi">Memory, in GiB, over all its nodes.</param>
/// <param name="HourlyCost">What its nodes cost per hour.</param>
/// <param name="CurrentMonthCost">What its clusters have cost so far this calendar month (UTC), at today's sizes.</param>
/// <param name="Projected30DayCost">What its nodes cost over 30 days at today's rate; the budget is checked against it.</param>
/// <param name="BudgetUtilization">Projected 30-day cost over budget.maxMonthlyCost (0 without a budget).</param>
public sealed record FleetPoolUsage(
    string Pool,
    int Clusters,
    int Nodes,
    int Cores,
    int MemoryGi,
    decimal HourlyCost,
    decimal CurrentMonthCost,
    decimal Projected30DayCost,
    double BudgetUtilization)
{
    /// <summary>The use of <paramref name="pool"/> by those of <paramref name="clusters"/> in it, at <paramref name="now"/>.</summary>
    public static FleetPoolUsage Of(PoolSpec pool, IEnumerable<FleetCluster> clusters, IReadOnlyDictionary<string, NodeClassSpec> nodeClasses, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(nodeClasses);
        int count = 0, nodes = 0, cores = 0, memory = 0;
        decimal hourly = 0m, month = 0m;
        foreach (var cluster in clusters)
        {
            if (cluster.Pool != pool.Name)
            {
                continue;
            }
            count++;
            int clusterNodes = cluster.Nodes.Count;
            nodes += clusterNodes;
            if (nodeClasses.TryGetValue(cluster.NodeClass, out var nodeClass))
            {
                cores += clusterNodes * nodeClass.Resources.Cores;
                memory += clusterNodes * nodeClass.Resources.MemoryGi;
                decimal clusterHourly = clusterNodes * nodeClass.HourlyCost(pool.Provider.Type);
                hourly += clusterHourly;
                month += FleetCostModel.CurrentMonth(clusterHourly, cluster.CreatedAt, now);
            }
        }
        decimal projected = FleetCostModel.Projected30Day(hourly);
        double utilization = pool.Budget is { MaxMonthlyCost: > 0 } budget ? (double)(projected / budget.MaxMonthlyCost) : 0;
        return new FleetPoolUsage(pool.Name, count, nodes, cores, memory, hourly, month, projected, utilization);
    }

    /// <summary>True when the pool has a budget and its projected cost has reached the budget's alert threshold.</summary>
    public bool PastAlertThreshold(PoolSpec pool) =>
        pool?.Budget is { } budget && BudgetUtilization >= budget.AlertThreshold;
}
