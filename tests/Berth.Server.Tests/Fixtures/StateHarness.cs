using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;
using Berth.Store.Sqlite;

namespace Berth.Server.Tests.Fixtures;

/// <summary>An in-memory store with the state layer on top, and helpers to seed it.</summary>
public sealed class StateHarness : IAsyncDisposable
{
    public StateHarness()
    {
        Store = StateFixtures.Store();
        Events = new EventLog(Store, new FixedTime(StateFixtures.T0), "test");
        Applier = new AssignmentApplier(Store, Events);
        Reader = new ClusterStateReader(Store);
    }

    public SqliteStore Store { get; }

    public EventLog Events { get; }

    public AssignmentApplier Applier { get; }

    public ClusterStateReader Reader { get; }

    /// <summary>Writes a node; returns its mod revision.</summary>
    public Task<long> PutAsync(NodeRecord node) => Store.PutAsync(KeyLayout.Node(node.Spec.Name), StateSerializer.Serialize(node));

    /// <summary>Writes a workload; returns its mod revision.</summary>
    public Task<long> PutAsync(WorkloadSpec workload) => Store.PutAsync(KeyLayout.Workload(WorkloadKey.Of(workload)), StateSerializer.Serialize(workload));

    /// <summary>A plan placing the given replicas of a workload, as a scheduler would make it from <paramref name="state"/>.</summary>
    public static AssignmentPlan Plan(ClusterState state, WorkloadSpec workload, params (int Replica, string Node)[] replicas)
    {
        var key = WorkloadKey.Of(workload);
        return new AssignmentPlan(
            key,
            state.Workloads[key].ModRevision,
            state.Revision,
            [.. replicas.Select(r => new PlannedReplica(r.Replica, r.Node, state.Nodes[r.Node].ModRevision, [], $"fits on {r.Node}"))],
            []);
    }

    /// <summary>Every key and mod revision, to show that nothing was written.</summary>
    public async Task<IReadOnlyList<(string Key, long ModRevision)>> DumpAsync()
    {
        var all = await Store.RangeAsync(KeyRange.Prefix("/"));
        return [.. all.Kvs.Select(kv => (kv.Key, kv.ModRevision))];
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
