using Berth.Core.Fleet;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Tests.Fleet;

/// <summary>
/// Runs the replicas of one fleet workload's derived workloads: a new replica is Pending for one pass and Running
/// from the next (never in the pass that created it), a replica scaled away is gone at once. Records the fewest
/// Running replicas over all derived workloads seen after the first pass.
/// </summary>
internal sealed class StandInAgent : IAsyncDisposable
{
    private readonly IKeyValueStore _store;
    private readonly string _workload;
    private readonly string? _stuckCluster;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private int _fewest = int.MaxValue;

    private readonly ResourceList _requests;

    private StandInAgent(IKeyValueStore store, string workload, string? stuckCluster, ResourceList requests)
    {
        _store = store;
        _workload = workload;
        _stuckCluster = stuckCluster;
        _requests = requests;
    }

    public int FewestRunning => Volatile.Read(ref _fewest);

    /// <summary>Starts running <paramref name="workload"/>'s derived workloads; each replica holds <paramref name="requests"/> (none when null) on node <c>{cluster}-1</c>.</summary>
    public static async Task<StandInAgent> StartAsync(IKeyValueStore store, string workload, string? stuckCluster = null, ResourceList? requests = null)
    {
        var agent = new StandInAgent(store, workload, stuckCluster, requests ?? ResourceList.Empty);
        // Bring the replicas that exist up to Running before the migration starts.
        await agent.PassAsync(CancellationToken.None);
        await agent.PassAsync(CancellationToken.None);
        agent._fewest = int.MaxValue;
        agent._loop = agent.RunAsync();
        return agent;
    }

    private async Task RunAsync()
    {
        // Stopping may cancel a pass in the middle of a store call as well as the pause between passes.
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await PassAsync(_stop.Token);
                await Task.Delay(5, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        var workloads = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.WorkloadsPrefix), cancellationToken: cancellationToken);
        var derived = workloads.Kvs.Select(StateSerializer.Read<WorkloadSpec>)
            .Where(w => w.Labels.TryGetValue(FleetLabels.FleetWorkload, out var owner) && owner == _workload).ToList();
        var live = derived.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var assignments = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsPrefix), cancellationToken: cancellationToken);
        var byWorkload = assignments.Kvs.Select(StateSerializer.Read<Assignment>).GroupBy(a => a.Workload.Name).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        // Scale-downs and deletions first, and the count taken before anything new runs: the pessimistic order.
        foreach (var (name, list) in byWorkload)
        {
            var replicas = derived.FirstOrDefault(d => d.Name == name)?.Replicas ?? 0;
            foreach (var gone in list.Where(a => a.Replica >= replicas || !live.Contains(name)).ToList())
            {
                await _store.DeleteAsync(KeyLayout.Assignment(gone.Workload, gone.Replica), cancellationToken);
                list.Remove(gone);
            }
        }
        var running = byWorkload.Where(w => live.Contains(w.Key)).Sum(w => w.Value.Count(a => a.Replica < Replicas(derived, w.Key) && a.State == AssignmentState.Running));
        InterlockedMin(running);

        foreach (var spec in derived)
        {
            var key = WorkloadKey.Of(spec);
            var have = byWorkload.GetValueOrDefault(spec.Name) ?? [];
            for (var replica = 0; replica < spec.Replicas; replica++)
            {
                var existing = have.FirstOrDefault(a => a.Replica == replica);
                var stuck = spec.NodeSelector.GetValueOrDefault(FleetLabels.Cluster) == _stuckCluster;
                var state = existing is null || stuck ? AssignmentState.Pending : AssignmentState.Running;
                if (existing?.State == state)
                {
                    continue;
                }
                var assignment = new Assignment(key, replica, spec.NodeSelector[FleetLabels.Cluster] + "-1", 1, _requests, [], "", state);
                await _store.PutAsync(KeyLayout.Assignment(key, replica), StateSerializer.Serialize(assignment), cancellationToken: cancellationToken);
            }
        }
    }

    private static int Replicas(List<WorkloadSpec> derived, string name) => derived.First(d => d.Name == name).Replicas;

    private void InterlockedMin(int value)
    {
        int seen;
        while (value < (seen = Volatile.Read(ref _fewest)) && Interlocked.CompareExchange(ref _fewest, value, seen) != seen)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
