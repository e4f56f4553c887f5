using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.State;

public sealed class ClusterStateReaderTests
{
    [Fact]
    public async Task Read_EmptyStore_EmptySnapshotAtRevisionZero()
    {
        await using var h = new StateHarness();

        var state = await h.Reader.ReadAsync();

        Assert.Equal((0L, 0), (state.Revision, state.Snapshot.NodeCount));
        Assert.Empty(state.Assignments);
    }

    [Fact]
    public async Task Read_AfterApply_SnapshotMatchesWhatWasApplied()
    {
        await using var h = new StateHarness();
        var web = StateFixtures.Workload("web", replicas: 3, cpu: "500m", memory: "1Gi");
        await h.PutAsync(StateFixtures.Node("n2"));
        await h.PutAsync(StateFixtures.Node("n1"));
        await h.PutAsync(web);
        var applied = await h.Applier.ApplyAsync(StateHarness.Plan(await h.Reader.ReadAsync(), web, (0, "n1"), (1, "n2"), (2, "n1")));

        var state = await h.Reader.ReadAsync();

        Assert.True(applied.IsApplied, applied.Message);
        Assert.Equal(applied.Revision, state.Revision);
        // Nodes are indexed in name order whatever order they were written in.
        Assert.Equal(["n1", "n2"], Enumerable.Range(0, state.Snapshot.NodeCount).Select(i => state.Snapshot.Node(i).Name));
        Assert.Equal(["web-0", "web-2"], state.Snapshot.ReplicasOn(0).Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["web-1"], state.Snapshot.ReplicasOn(1).Select(r => r.Name));
        Assert.Equal(1000, state.Snapshot.Cpu.Requested(0));
        Assert.Equal(500, state.Snapshot.Cpu.Requested(1));
        var group = Assert.Single(state.Snapshot.Groups);
        Assert.Equal(3, group.Count);
        Assert.Equal(3, state.Placed.Count);
        var victim = state.Snapshot.ReplicasOn(1)[0];
        Assert.Equal(KeyLayout.Assignment(WorkloadKey.Of(web), 1), state.AssignmentOf(victim)!.Value.Key);
    }

    [Fact]
    public async Task Read_StoppedOrOrphanedAssignments_ListedButNotPlaced()
    {
        await using var h = new StateHarness();
        var web = StateFixtures.Workload("web", replicas: 2);
        await h.PutAsync(StateFixtures.Node("n1"));
        await h.PutAsync(StateFixtures.Node("n2"));
        await h.PutAsync(web);
        await h.Applier.ApplyAsync(StateHarness.Plan(await h.Reader.ReadAsync(), web, (0, "n1"), (1, "n2")));
        var first = (await h.Reader.ReadAsync()).Assignments[0];
        await h.Store.PutAsync(first.Key, StateSerializer.Serialize(first.Value with { State = AssignmentState.Stopped }));
        await h.Store.DeleteAsync(KeyLayout.Node("n2"));

        var state = await h.Reader.ReadAsync();

        Assert.Equal(2, state.Assignments.Count);
        Assert.Empty(state.Placed);
        Assert.Equal(1, state.Snapshot.NodeCount);
        Assert.Empty(state.Snapshot.ReplicasOn(0));
    }

    [Fact]
    public async Task Read_KeepsTheGpuDevicesStoredWithAnAssignment()
    {
        await using var h = new StateHarness();
        var node = StateFixtures.Node("g1");
        node = node with { Spec = node.Spec with { Allocatable = node.Spec.Allocatable.With("nvidia.com/gpu", Berth.Core.Resources.Quantity.Parse("4")) } };
        var train = StateFixtures.Workload("train");
        train = train with { Containers = [Berth.Core.Specs.ContainerSpec.ForResources("main", new Berth.Core.Resources.ResourceRequirements(
            Berth.Core.Resources.ResourceList.Parse(("nvidia.com/gpu", "1")), Berth.Core.Resources.ResourceList.Empty))] };
        await h.PutAsync(node);
        await h.PutAsync(train);
        await h.Applier.ApplyAsync(StateHarness.Plan(await h.Reader.ReadAsync(), train, (0, "g1")));
        var stored = (await h.Reader.ReadAsync()).Assignments[0];
        await h.Store.PutAsync(stored.Key, StateSerializer.Serialize(stored.Value with { Devices = [2] }));

        var state = await h.Reader.ReadAsync();

        var replica = Assert.Single(state.Snapshot.ReplicasOn(0));
        Assert.Equal([2], replica.Devices);
        Assert.Equal(0, state.Snapshot.Gpus.Free(0, 2));
        Assert.Equal(1000, state.Snapshot.Gpus.Free(0, 0));
    }

    [Fact]
    public async Task Read_NotReadyStatus_OverridesSpecReadiness()
    {
        await using var h = new StateHarness();
        var node = StateFixtures.Node("n1");
        await h.PutAsync(node with { Status = node.Status with { Ready = false } });

        var state = await h.Reader.ReadAsync();

        Assert.True(state.Snapshot.NotReady[0]);
    }
}
