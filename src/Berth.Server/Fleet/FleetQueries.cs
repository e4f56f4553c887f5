using Berth.Scheduling.Fleet;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Fleet;

/// <summary>Reads fleet placement for the API: a fleet workload's decision with its health and cost, and every pool's use.</summary>
public sealed class FleetQueries(IKeyValueStore store, TimeProvider time)
{
    /// <summary>The placement of fleet workload <paramref name="workload"/>; null when it is not a fleet workload (or does not exist).</summary>
    public async Task<FleetWorkloadView?> WorkloadAsync(WorkloadKey workload, CancellationToken cancellationToken = default)
    {
        var fleet = await FleetState.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        if (!fleet.Workloads.TryGetValue(workload, out var stored) || stored.Value.Placement is null)
        {
            return null;
        }
        if (!fleet.Decisions.TryGetValue(workload, out var decision))
        {
            return new FleetWorkloadView(workload.Namespace, workload.Name, FleetDecisionPhase.Pending.ToString(), [], stored.Value.Replicas, 0,
                0m, 0m, 0m, DateTimeOffset.MinValue, string.Empty, [], []);
        }
        var shares = new List<FleetShareView>(decision.Shares.Count);
        int desired = 0, running = 0;
        foreach (var share in decision.Shares)
        {
            var derived = new WorkloadKey(workload.Namespace, share.Workload);
            int up = fleet.Assignments.Count(a => a.Workload == derived && a.State == AssignmentState.Running);
            shares.Add(new FleetShareView(share.Pool, share.Region, share.Cluster, share.NodeClass, share.Replicas, up, share.HourlyCost, share.Workload));
            desired += share.Replicas;
            running += Math.Min(up, share.Replicas);
        }
        string phase = decision.Phase == FleetDecisionPhase.Pending ? "Pending" : running >= desired ? "Running" : "Placing";
        var now = time.GetUtcNow();
        return new FleetWorkloadView(workload.Namespace, workload.Name, phase, shares, desired, running, decision.HourlyCost,
            FleetCostModel.CurrentMonth(decision.HourlyCost, decision.LastScheduled, now), decision.Projected30DayCost,
            decision.LastScheduled, decision.Reason, decision.Rejected, decision.Policies);
    }

    /// <summary>Every pool with its use and cost against its capacity and budget, in name order.</summary>
    public async Task<IReadOnlyList<FleetPoolView>> PoolsAsync(CancellationToken cancellationToken = default)
    {
        var fleet = await FleetState.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var views = new List<FleetPoolView>(fleet.Pools.Count);
        foreach (var pool in fleet.Pools.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var usage = FleetPoolUsage.Of(pool, fleet.Clusters, fleet.ClassesByName, now);
            views.Add(new FleetPoolView(pool.Name, pool.Region, pool.Provider.Type, usage.Clusters, usage.Nodes, pool.Capacity.MaxNodes,
                usage.Cores, pool.Capacity.MaxCores, usage.MemoryGi, pool.Capacity.MaxMemoryGi, usage.HourlyCost, usage.CurrentMonthCost,
                usage.Projected30DayCost, pool.Budget?.MaxMonthlyCost, pool.Budget?.Currency, usage.BudgetUtilization, usage.PastAlertThreshold(pool)));
        }
        return views;
    }
}
