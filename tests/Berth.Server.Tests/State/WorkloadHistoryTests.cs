using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.State;

public sealed class WorkloadHistoryTests
{
    [Fact]
    public async Task At_AnOlderRevision_ReturnsTheSpecAsItWasThen()
    {
        await using var state = new StateHarness();
        var v1 = StateFixtures.Workload(replicas: 1);
        long r1 = await state.PutAsync(v1);
        long r2 = await state.PutAsync(v1 with { Replicas = 4 });
        var history = new WorkloadHistory(state.Store);

        Assert.Equal(1, (await history.AtAsync(WorkloadKey.Of(v1), r1))!.Replicas);
        Assert.Equal(4, (await history.AtAsync(WorkloadKey.Of(v1), r2))!.Replicas);
    }

    [Fact]
    public async Task At_BeforeTheWorkloadExistedOrAfterTheStore_ReturnsNull()
    {
        await using var state = new StateHarness();
        long before = await state.PutAsync(StateFixtures.Node("n1"));
        var web = StateFixtures.Workload();
        long revision = await state.PutAsync(web);
        var history = new WorkloadHistory(state.Store);

        Assert.Null(await history.AtAsync(WorkloadKey.Of(web), before));
        Assert.Null(await history.AtAsync(WorkloadKey.Of(web), revision + 10));
        Assert.Null(await history.AtAsync(WorkloadKey.Of(web), 0));
    }

    [Fact]
    public async Task At_CompactedRevision_ReturnsNull()
    {
        await using var state = new StateHarness();
        var web = StateFixtures.Workload();
        long r1 = await state.PutAsync(web);
        long r2 = await state.PutAsync(web with { Replicas = 2 });
        await state.Store.CompactAsync(r2);

        Assert.Null(await new WorkloadHistory(state.Store).AtAsync(WorkloadKey.Of(web), r1));
    }

    public static TheoryData<string, Func<WorkloadSpec, WorkloadSpec>, bool> Changes => new()
    {
        { "replicas", s => s with { Replicas = 7 }, true },
        { "desired state", s => s with { DesiredState = DesiredState.Stopped }, true },
        { "replica range", s => s with { ReplicaRange = new ReplicaRange(1, 9) }, true },
        { "container args", s => s with { Containers = [s.Containers[0] with { Args = ["--v2"] }] }, false },
        { "labels", s => s with { Labels = new Dictionary<string, string> { ["app"] = "other" } }, false },
        { "priority", s => s with { Priority = 10 }, false },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void SameTemplate_OnlyScaleAndDesiredStateKeepTheTemplate(string change, Func<WorkloadSpec, WorkloadSpec> apply, bool same)
    {
        var web = StateFixtures.Workload("web");

        Assert.True(WorkloadHistory.SameTemplate(web, apply(web)) == same, change);
    }
}
