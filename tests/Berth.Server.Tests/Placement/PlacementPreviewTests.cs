using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Server.Placement;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Placement;

public sealed class PlacementPreviewTests
{
    private static PlacementPreview Preview(StateHarness h) => new(h.Store, schedulerOptions: new SchedulerOptions(1));

    /// <summary>The node of each replica of <paramref name="workload"/>, by replica.</summary>
    private static async Task<string[]> NodesOfAsync(StateHarness h, WorkloadSpec workload)
    {
        var state = await h.Reader.ReadAsync();
        return [.. state.Assignments.Where(a => a.Value.Workload == WorkloadKey.Of(workload)).OrderBy(a => a.Value.Replica).Select(a => a.Value.Node)];
    }

    private static async Task<WorkloadSpec> PlacedWebAsync(StateHarness h)
    {
        await h.PutAsync(StateFixtures.Node("n1", cpu: "1"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "1"));
        await h.PutAsync(StateFixtures.Node("n3", cpu: "1"));
        var web = StateFixtures.Workload("web", replicas: 3, cpu: "1");
        await h.PutAsync(web);
        using var placer = new WorkloadPlacer(h.Store, h.Events, schedulerOptions: new SchedulerOptions(1));
        Assert.Equal(3, (await placer.PlaceAsync(WorkloadKey.Of(web))).Where(ReplicaOutcomeKind.Placed).Count);
        return web;
    }

    private static IEnumerable<(ReplicaPreviewAction, string?)> Actions(WorkloadPreview preview) =>
        preview.Replicas.Select(r => (r.Action, r.Node));

    [Fact]
    public async Task PreviewAsync_ScaleDownAndNewWorkload_FreedRoomTakesNewReplicasAndNothingIsWritten()
    {
        await using var h = new StateHarness();
        var web = await PlacedWebAsync(h);
        var before = await h.DumpAsync();
        using var preview = Preview(h);

        var plan = await preview.PreviewAsync([web with { Replicas = 1 }, StateFixtures.Workload("api", replicas: 2, cpu: "1")]);

        Assert.Equal(before, await h.DumpAsync());
        var nodes = await NodesOfAsync(h, web);
        var (scaled, created) = (plan.Workloads[0], plan.Workloads[1]);
        Assert.Equal(WorkloadPreviewChange.Updated, scaled.Change);
        Assert.Equal(["replicas"], scaled.ChangedFields);
        Assert.Equal([(ReplicaPreviewAction.Keep, nodes[0]), (ReplicaPreviewAction.Remove, nodes[1]), (ReplicaPreviewAction.Remove, nodes[2])], Actions(scaled));
        Assert.Equal(WorkloadPreviewChange.Created, created.Change);
        Assert.Equal([ReplicaPreviewAction.Place, ReplicaPreviewAction.Place], created.Replicas.Select(r => r.Action));
        Assert.Equal(new[] { nodes[1], nodes[2] }.Order(), created.Replicas.Select(r => r.Node).Order());
    }

    [Fact]
    public async Task PreviewAsync_NoRoom_UnschedulableWithTheSchedulersSummary()
    {
        await using var h = new StateHarness();
        await PlacedWebAsync(h);
        using var preview = Preview(h);

        var plan = await preview.PreviewAsync([StateFixtures.Workload("api", cpu: "1")]);

        var replica = Assert.Single(plan.Workloads[0].Replicas);
        Assert.Equal((ReplicaPreviewAction.Unschedulable, null), (replica.Action, replica.Node));
        Assert.StartsWith("0/3 nodes are available", replica.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreviewAsync_Stopped_ReportsStopAndDesiredStateChanged()
    {
        await using var h = new StateHarness();
        var web = await PlacedWebAsync(h);
        using var preview = Preview(h);

        var plan = await preview.PreviewAsync([web with { DesiredState = DesiredState.Stopped }]);

        Assert.Equal(["desiredState"], plan.Workloads[0].ChangedFields);
        var nodes = await NodesOfAsync(h, web);
        Assert.Equal(nodes.Select(n => (ReplicaPreviewAction.Stop, (string?)n)), Actions(plan.Workloads[0]));
    }

    [Fact]
    public async Task PreviewAsync_SameSpec_UnchangedAndKeepsEveryReplica()
    {
        await using var h = new StateHarness();
        var web = await PlacedWebAsync(h);
        using var preview = Preview(h);

        var plan = await preview.PreviewAsync([web]);

        Assert.Equal((WorkloadPreviewChange.Unchanged, 0), (plan.Workloads[0].Change, plan.Workloads[0].ChangedFields.Count));
        Assert.All(plan.Workloads[0].Replicas, r => Assert.Equal(ReplicaPreviewAction.Keep, r.Action));
    }

    [Fact]
    public async Task PreviewAsync_ThenApplyAndPlace_PlacerPutsReplicasWhereThePreviewSaid()
    {
        await using var h = new StateHarness();
        await h.PutAsync(StateFixtures.Node("n1", cpu: "2"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "4"));
        await h.PutAsync(StateFixtures.Node("n3", cpu: "1"));
        var api = StateFixtures.Workload("api", replicas: 4, cpu: "1");
        using var preview = Preview(h);

        var plan = await preview.PreviewAsync([api]);
        await h.PutAsync(api);
        using var placer = new WorkloadPlacer(h.Store, h.Events, schedulerOptions: new SchedulerOptions(1));
        var pass = await placer.PlaceAsync(WorkloadKey.Of(api));

        // The placer's random tie-break has its own history, so a tied node may be picked instead; nothing else.
        var previewed = plan.Workloads[0].Replicas;
        Assert.Equal(pass.Replicas.Select(r => r.Replica), previewed.Select(r => r.Replica));
        Assert.All(pass.Replicas, r => Assert.Contains(r.Node, previewed[r.Replica].TiedWith.Append(previewed[r.Replica].Node)));
    }

    [Fact]
    public async Task PreviewAsync_IdenticalNodes_ReportsTheTie()
    {
        await using var h = new StateHarness();
        await h.PutAsync(StateFixtures.Node("n1"));
        await h.PutAsync(StateFixtures.Node("n2"));
        using var preview = Preview(h);

        var plan = await preview.PreviewAsync([StateFixtures.Workload("api", cpu: "1")]);

        var replica = Assert.Single(plan.Workloads[0].Replicas);
        Assert.Equal(ReplicaPreviewAction.Place, replica.Action);
        Assert.Equal(["n1", "n2"], replica.TiedWith.Append(replica.Node!).Order());
    }

    [Fact]
    public async Task PreviewAsync_DeterministicTiebreak_NoTieReported()
    {
        await using var h = new StateHarness();
        await h.PutAsync(StateFixtures.Node("n1"));
        await h.PutAsync(StateFixtures.Node("n2"));
        var profile = Berth.Scheduling.Profiles.BuiltInProfiles.Default with { Tiebreak = Berth.Scheduling.Profiles.Tiebreak.First };
        using var preview = new PlacementPreview(h.Store, new PlacerOptions { Profile = profile }, new SchedulerOptions(1));

        var plan = await preview.PreviewAsync([StateFixtures.Workload("api", cpu: "1")]);

        var replica = Assert.Single(plan.Workloads[0].Replicas);
        Assert.Equal(("n1", 0), (replica.Node, replica.TiedWith.Count));
    }

    [Fact]
    public async Task PreviewAsync_GangThatCannotStand_PlacesNoneOfIt_AndTheWorkloadAfterGetsItsRoom()
    {
        // Previewed as the placer orders them (priority, then key): the gang before "later".
        await using var h = new StateHarness();
        await h.PutAsync(StateFixtures.Node("n1", cpu: "2"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "1"));
        using var preview = Preview(h);
        var gang = StateFixtures.Workload("gang", replicas: 4, cpu: "1") with { Gang = new GangPolicy(4, 60) };

        var plan = await preview.PreviewAsync([gang, StateFixtures.Workload("later", replicas: 3, cpu: "1")]);

        Assert.All(plan.Workloads[0].Replicas, r => Assert.Equal((ReplicaPreviewAction.Unschedulable, null), (r.Action, r.Node)));
        Assert.StartsWith("gang default/gang (minAvailable 4) could not be placed: 3 replica(s) fit, replica 3 did not", plan.Workloads[0].Replicas[0].Detail, StringComparison.Ordinal);
        Assert.All(plan.Workloads[1].Replicas, r => Assert.Equal(ReplicaPreviewAction.Place, r.Action));
    }
}
