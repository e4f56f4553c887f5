using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Api;

/// <summary>The operator changes of <see cref="WorkloadWriter"/> against the store, without HTTP.</summary>
public sealed class WorkloadWriterTests
{
    private static async Task<WorkloadSpec> StoredAsync(StateHarness h, WorkloadSpec workload) =>
        StateSerializer.Read<WorkloadSpec>((await h.Store.GetAsync(KeyLayout.Workload(WorkloadKey.Of(workload))))!);

    [Fact]
    public async Task ScaleAsync_ConcurrentApplyWins_ReReadsAndKeepsTheAppliedChange()
    {
        await using var h = new StateHarness();
        var web = StateFixtures.Workload("web", replicas: 1);
        await h.PutAsync(web);
        var interfering = new InterferingStore(h.Store);
        var writer = new WorkloadWriter(interfering, h.Events);
        // Someone applies a new priority between the scale's read and its write.
        interfering.BeforeNextWrite = store => store.PutAsync(KeyLayout.Workload(WorkloadKey.Of(web)), StateSerializer.Serialize(web with { Priority = 7 }));

        var change = await writer.ScaleAsync(WorkloadKey.Of(web), 4);

        Assert.Equal(WorkloadChangeOutcome.Changed, change.Outcome);
        Assert.Equal(1, interfering.FailedWrites);
        var stored = await StoredAsync(h, web);
        Assert.Equal((4, 7), (stored.Replicas, stored.Priority));
        Assert.Equal(change.Response!.Revision, (await h.Store.GetAsync(KeyLayout.Workload(WorkloadKey.Of(web))))!.ModRevision);
    }

    [Fact]
    public async Task ScaleAsync_Changed_EventCommitsWithTheNewRevision()
    {
        await using var h = new StateHarness();
        var web = StateFixtures.Workload("web", replicas: 1);
        await h.PutAsync(web);

        var change = await new WorkloadWriter(h.Store, h.Events).ScaleAsync(WorkloadKey.Of(web), 2);

        var scaled = Assert.Single(await h.Events.ReadAfterAsync(0), e => e.Type == ClusterEventType.WorkloadScaled);
        Assert.Equal((change.Response!.Revision, "default/web"), (scaled.Revision, scaled.Subject));
    }

    [Fact]
    public async Task StopAsync_StoppedThenStart_KeepsEverythingButTheDesiredState()
    {
        await using var h = new StateHarness();
        var web = StateFixtures.Workload("web", replicas: 3);
        await h.PutAsync(web);
        var writer = new WorkloadWriter(h.Store, h.Events);

        var stopped = await writer.StopAsync(WorkloadKey.Of(web));
        var whileStopped = await StoredAsync(h, web);
        var started = await writer.StartAsync(WorkloadKey.Of(web));

        Assert.Equal((WorkloadChangeOutcome.Changed, DesiredState.Stopped), (stopped.Outcome, whileStopped.DesiredState));
        Assert.Equal(WorkloadChangeOutcome.Changed, started.Outcome);
        Assert.Equal(StateSerializer.Serialize(web), StateSerializer.Serialize(await StoredAsync(h, web)));
    }

    [Fact]
    public async Task ScaleAsync_BelowRangeMinimum_InvalidAndWritesNothing()
    {
        await using var h = new StateHarness();
        var fleet = StateFixtures.Workload("fleet", replicas: 2) with { ReplicaRange = new ReplicaRange(2, 4) };
        await h.PutAsync(fleet);
        var before = await h.DumpAsync();

        var change = await new WorkloadWriter(h.Store, h.Events).ScaleAsync(WorkloadKey.Of(fleet), 1);

        Assert.Equal((WorkloadChangeOutcome.Invalid, ApiMessages.ReplicasOutsideRange("default/fleet", 1, 2, 4)), (change.Outcome, change.Message));
        Assert.Equal(before, await h.DumpAsync());
    }

    [Fact]
    public async Task ScaleAsync_BelowGangMinAvailable_InvalidAndWritesNothing()
    {
        await using var h = new StateHarness();
        var train = StateFixtures.Workload("train", replicas: 4) with { Gang = new GangPolicy(3, 60) };
        await h.PutAsync(train);
        var before = await h.DumpAsync();

        var change = await new WorkloadWriter(h.Store, h.Events).ScaleAsync(WorkloadKey.Of(train), 2);

        Assert.Equal(WorkloadChangeOutcome.Invalid, change.Outcome);
        Assert.Equal(
            "replicas 2 is below the gang minAvailable 3 of workload default/train: such a gang could never be placed; scale to 0 or to at least 3, or lower spec.gang.minAvailable",
            change.Message);
        Assert.Equal(before, await h.DumpAsync());
        Assert.Equal(WorkloadChangeOutcome.Changed, (await new WorkloadWriter(h.Store, h.Events).ScaleAsync(WorkloadKey.Of(train), 0)).Outcome);
    }
}
