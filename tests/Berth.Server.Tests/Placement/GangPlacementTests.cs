using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Server.Placement;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Placement;

/// <summary>Gang scheduling in the control plane: the placer plans a gang whole or not at all, the applier commits it whole, timeouts release partial gangs.</summary>
public sealed class GangPlacementTests
{
    private static WorkloadPlacer Placer(StateHarness h) => new(h.Store, h.Events, null, new SchedulerOptions(1));

    private static WorkloadSpec Gang(string name, int replicas, int minAvailable, string cpu = "1", int priority = 0, int timeoutSeconds = 30) =>
        StateFixtures.Workload(name, replicas: replicas, cpu: cpu, memory: "1Mi") with
        {
            Priority = priority,
            Gang = new GangPolicy(minAvailable, timeoutSeconds),
        };

    private static async Task<IReadOnlyList<Stored<Assignment>>> AssignmentsAsync(StateHarness h, WorkloadSpec workload)
    {
        var range = await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(WorkloadKey.Of(workload))));
        return [.. ClusterStateReader.AssignmentsOf(WorkloadKey.Of(workload), range.Kvs).Values];
    }

    [Fact]
    public async Task PlaceAsync_GangOf100OnRoomFor99_PlacesNothing_AndEveryCpuStaysFree()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            await h.PutAsync(StateFixtures.Node(node, cpu: "33", memory: "64Gi", pods: "200"));
        }
        var train = Gang("train", replicas: 100, minAvailable: 100);
        await h.PutAsync(train);

        var pass = await placer.PlaceAsync(WorkloadKey.Of(train));

        Assert.Empty(pass.Where(ReplicaOutcomeKind.Placed));
        Assert.Equal(100, pass.Where(ReplicaOutcomeKind.Unschedulable).Count);
        Assert.StartsWith("gang default/train (minAvailable 100) could not be placed: 99 replica(s) fit, replica 99 did not",
            pass.Replicas[0].Detail);
        Assert.StartsWith("gang default/train (minAvailable 100) could not be placed: 0/3 nodes are available: 3 Insufficient cpu.",
            pass.Replicas[99].Detail);
        Assert.Empty(await AssignmentsAsync(h, train));

        // All 99 cpus are free: 99 one-cpu replicas of another workload all fit.
        var after = StateFixtures.Workload("after", replicas: 99, cpu: "1", memory: "1Mi");
        await h.PutAsync(after);
        var next = await placer.PlaceAsync(WorkloadKey.Of(after));
        Assert.Equal(99, next.Where(ReplicaOutcomeKind.Placed).Count);
    }

    [Fact]
    public async Task PlaceAllAsync_TwoGangsCompetingForTheSameRoom_PlacesOne_AndTheOtherWaitsWithNothingHeld()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        await h.PutAsync(StateFixtures.Node("n1", cpu: "2"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "2"));
        var blue = Gang("blue", replicas: 3, minAvailable: 3);
        var green = Gang("green", replicas: 3, minAvailable: 3);
        await h.PutAsync(blue);
        await h.PutAsync(green);

        await placer.PlaceAllAsync();
        var again = await placer.PlaceAllAsync();

        var counts = new[] { (await AssignmentsAsync(h, blue)).Count, (await AssignmentsAsync(h, green)).Count };
        Assert.Equal([0, 3], counts.Order());
        Assert.All(again, pass => Assert.Empty(pass.Where(ReplicaOutcomeKind.Placed)));
    }

    [Fact]
    public async Task ApplyAsync_TwoGangPlansForTheSameRoom_CommitsOneWhole_AndRefusesTheOtherWhole()
    {
        // Both plans were made from one view with room for 4; each gang needs 3. Checked one after the other, the
        // second cannot have all three, so none of it is kept: no gang holds part of the room the other needs.
        await using var h = new StateHarness();
        await h.PutAsync(StateFixtures.Node("n1", cpu: "2"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "2"));
        var blue = Gang("blue", replicas: 3, minAvailable: 3);
        var green = Gang("green", replicas: 3, minAvailable: 3);
        await h.PutAsync(blue);
        await h.PutAsync(green);
        var state = await h.Reader.ReadAsync();

        var results = await Task.WhenAll(
            h.Applier.ApplyAsync(StateHarness.Plan(state, blue, (0, "n1"), (1, "n1"), (2, "n2"))),
            h.Applier.ApplyAsync(StateHarness.Plan(state, green, (0, "n2"), (1, "n2"), (2, "n1"))));

        Assert.Single(results, r => r.IsApplied);
        var refused = Assert.Single(results, r => !r.IsApplied);
        Assert.Contains("(minAvailable 3) refused whole: only", refused.Message);
        Assert.Equal([0, 3], new[] { (await AssignmentsAsync(h, blue)).Count, (await AssignmentsAsync(h, green)).Count }.Order());
    }

    [Fact]
    public async Task PlaceAsync_GangThatWouldPreemptButCannotComplete_EvictsNobody()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            await h.PutAsync(StateFixtures.Node(node, cpu: "2"));
        }
        // Two low-priority replicas fill n1 and n2; a higher-priority one than the gang fills n3.
        var low = StateFixtures.Workload("low", replicas: 2, cpu: "2", memory: "1Mi");
        var vip = StateFixtures.Workload("vip", replicas: 1, cpu: "2", memory: "1Mi") with { Priority = 1000 };
        await h.PutAsync(low);
        await h.PutAsync(vip);
        await placer.PlaceAsync(WorkloadKey.Of(low));
        await placer.PlaceAsync(WorkloadKey.Of(vip));
        var before = await AssignmentsAsync(h, low);
        Assert.Equal(2, before.Count);
        var gang = Gang("gang", replicas: 3, minAvailable: 3, cpu: "2", priority: 100);
        var applied = await h.PutAsync(gang);

        var pass = await placer.PlaceAsync(WorkloadKey.Of(gang));

        Assert.Empty(pass.Where(ReplicaOutcomeKind.Placed));
        Assert.Empty(await AssignmentsAsync(h, gang));
        Assert.Equal(before.Select(a => (a.Key, a.ModRevision)), (await AssignmentsAsync(h, low)).Select(a => (a.Key, a.ModRevision)));
        Assert.DoesNotContain(await h.Events.ReadAfterAsync(applied), e => e.Type == ClusterEventType.ReplicaEvicted);
    }

    [Fact]
    public async Task PlaceAsync_GangThatPreemptsAndCompletes_EvictsForEveryMember()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        await h.PutAsync(StateFixtures.Node("n1", cpu: "2"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "2"));
        var low = StateFixtures.Workload("low", replicas: 2, cpu: "2", memory: "1Mi");
        await h.PutAsync(low);
        await placer.PlaceAsync(WorkloadKey.Of(low));
        var gang = Gang("gang", replicas: 2, minAvailable: 2, cpu: "2", priority: 100);
        var applied = await h.PutAsync(gang);

        var pass = await placer.PlaceAsync(WorkloadKey.Of(gang));

        Assert.Equal(2, pass.Where(ReplicaOutcomeKind.Placed).Count);
        Assert.DoesNotContain(await AssignmentsAsync(h, low), a => a.Value.HoldsResources);
        Assert.Equal(2, (await h.Events.ReadAfterAsync(applied)).Count(e => e.Type == ClusterEventType.ReplicaEvicted));
    }

    [Fact]
    public async Task PlaceAsync_ReplicasBeyondMinAvailable_ArePlacedOneByOneOnceTheGangStands()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        await h.PutAsync(StateFixtures.Node("n1", cpu: "4"));
        var job = Gang("job", replicas: 5, minAvailable: 3);
        await h.PutAsync(job);

        var pass = await placer.PlaceAsync(WorkloadKey.Of(job));

        Assert.Equal([0, 1, 2, 3], pass.Where(ReplicaOutcomeKind.Placed).Select(r => r.Replica));
        var unplaced = Assert.Single(pass.Where(ReplicaOutcomeKind.Unschedulable));
        Assert.Equal(4, unplaced.Replica);
        Assert.DoesNotContain("gang", unplaced.Detail);
    }

    [Fact]
    public async Task ApplyAsync_GangSpanningTwoTransactions_LaterOneFails_RemovesWhatTheFirstCommitted()
    {
        // 16 operations per transaction split the six-replica gang in two; the second transaction's node guard fails
        // (n2 changes in between), so the members the first one committed are removed again and nothing stays.
        await using var h = new StateHarness();
        var interfering = new InterferingStore(h.Store);
        var events = new EventLog(interfering, h.Events.Time, "gangtest");
        using var applier = new AssignmentApplier(interfering, events, null, new ApplierOptions { MaxOperationsPerTransaction = 16 });
        await h.PutAsync(StateFixtures.Node("n1", cpu: "8"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "8"));
        var train = Gang("train", replicas: 6, minAvailable: 6);
        await h.PutAsync(train);
        var state = await h.Reader.ReadAsync();
        interfering.BeforeNextWrite = _ =>
        {
            interfering.BeforeNextWrite = inner => inner.PutAsync(KeyLayout.Node("n2"), StateSerializer.Serialize(StateFixtures.Node("n2", cpu: "8")));
            return Task.CompletedTask;
        };

        var result = await applier.ApplyAsync(StateHarness.Plan(state, train, (0, "n1"), (1, "n1"), (2, "n1"), (3, "n2"), (4, "n2"), (5, "n2")));

        Assert.False(result.IsApplied);
        Assert.Empty(await AssignmentsAsync(h, train));
        var removed = (await h.Events.ReadAfterAsync(state.Revision)).Where(e => e.Type == ClusterEventType.ReplicaRemoved).ToList();
        Assert.NotEmpty(removed);
        Assert.All(removed, e => Assert.Contains("its gang could not be committed whole", e.Message));
    }
}
