using Berth.Core.Specs;
using Berth.Server.Nodes;
using Berth.Server.Placement;
using Berth.Server.Reconciliation;
using Berth.Server.Retries;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Tests.Fixtures;

/// <summary>
/// The reconciler over an in-memory store with a manual clock and the real placer, retry engine and node manager; the
/// agents are played by <see cref="ReportRunningAsync"/> and <see cref="ReportExitAsync"/>, which change assignments the way
/// the agent API does.
/// </summary>
public sealed class ReconcilerHarness : IAsyncDisposable
{
    public ReconcilerHarness(ReconcilerOptions? options = null)
    {
        State = new StateHarness();
        Clock = new ManualTimeProvider(StateFixtures.T0);
        Events = new EventLog(State.Store, Clock, "reconciler");
        Nodes = new NodeManager(State.Store, Events, time: Clock);
        Retries = new RetryEngine(State.Store, Events, time: Clock);
        Placer = new WorkloadPlacer(State.Store, Events);
        Inventory = new NodeInventory();
        Reconciler = new Reconciler(State.Store, Events, Placer, Retries, Nodes, options, Clock, inventory: Inventory);
    }

    public StateHarness State { get; }

    public IKeyValueStore Store => State.Store;

    public ManualTimeProvider Clock { get; }

    public EventLog Events { get; }

    public NodeManager Nodes { get; }

    public RetryEngine Retries { get; }

    public WorkloadPlacer Placer { get; }

    public Reconciler Reconciler { get; }

    /// <summary>The agents' inventories as their heartbeats left them.</summary>
    public NodeInventory Inventory { get; }

    /// <summary>The agent of <paramref name="node"/> beats, saying it holds <paramref name="replicas"/> (workload, replica, workload revision).</summary>
    public async Task HeartbeatAsync(string node, params (WorkloadSpec Workload, int Replica, long Revision)[] replicas)
    {
        await Nodes.HeartbeatAsync(node);
        Inventory.Record(node, replicas.Select(r => new RunningReplica(WorkloadKey.Of(r.Workload), r.Replica, r.Revision)), Clock.GetUtcNow());
    }

    /// <summary>Registers Ready nodes n1..n<paramref name="count"/> with 4 cpu each.</summary>
    public async Task RegisterNodesAsync(int count)
    {
        for (int i = 1; i <= count; i++)
        {
            await Nodes.RegisterAsync(StateFixtures.Node($"n{i}").Spec);
        }
    }

    /// <summary>Writes the workload (create or update); returns its new revision.</summary>
    public Task<long> ApplyAsync(WorkloadSpec spec) => State.PutAsync(spec);

    public Task<ReconcileOutcome> ReconcileAsync(WorkloadSpec spec) => Reconciler.ReconcileAsync(WorkloadKey.Of(spec));

    /// <summary>Every assignment of <paramref name="spec"/>'s workload by replica.</summary>
    public async Task<SortedDictionary<int, Stored<Assignment>>> AssignmentsAsync(WorkloadSpec spec)
    {
        var key = WorkloadKey.Of(spec);
        var range = await Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(key)));
        var result = new SortedDictionary<int, Stored<Assignment>>();
        foreach (var kv in range.Kvs)
        {
            var assignment = StateSerializer.Read<Assignment>(kv);
            result[assignment.Replica] = new Stored<Assignment>(kv.Key, assignment, kv.ModRevision);
        }
        return result;
    }

    /// <summary>Turns every Pending assignment of the workload Running, as agents reporting their starts would.</summary>
    public async Task ReportRunningAsync(WorkloadSpec spec)
    {
        foreach (var (_, stored) in await AssignmentsAsync(spec))
        {
            if (stored.Value.State == AssignmentState.Pending)
            {
                await SetStateAsync(stored, AssignmentState.Running);
            }
        }
    }

    /// <summary>The agent of the replica's node reports its exit.</summary>
    public Task<ExitResult> ReportExitAsync(WorkloadSpec spec, int replica, int exitCode) =>
        Retries.ReportExitAsync(WorkloadKey.Of(spec), replica, exitCode, "crashed");

    public Task<long> SetStateAsync(Stored<Assignment> stored, AssignmentState state) =>
        Store.PutAsync(stored.Key, StateSerializer.Serialize(stored.Value with { State = state }));

    /// <summary>Reconciles, then has the agents report what the reconcile placed, until a reconcile finds nothing to do.</summary>
    /// <returns>How many reconciles acted.</returns>
    public async Task<int> SettleAsync(WorkloadSpec spec, int limit = 20)
    {
        for (int i = 0; i < limit; i++)
        {
            var outcome = await ReconcileAsync(spec);
            await ReportRunningAsync(spec);
            if (outcome.Idle)
            {
                return i;
            }
        }
        throw new InvalidOperationException($"{spec.Name} did not settle in {limit} reconciles");
    }

    public Task<IReadOnlyList<ReconciliationRecord>> RecordsAsync(WorkloadSpec spec) => Reconciler.Records.ReadAsync(WorkloadKey.Of(spec));

    public async Task<IReadOnlyList<ClusterEvent>> EventsAsync(params ClusterEventType[] types) =>
        [.. (await Events.ReadAfterAsync(0)).Where(e => types.Length == 0 || types.Contains(e.Type))];

    public async ValueTask DisposeAsync()
    {
        Placer.Dispose();
        await State.DisposeAsync();
    }
}
