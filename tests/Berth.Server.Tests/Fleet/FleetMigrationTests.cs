using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.Fleet;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Fleet;

/// <summary><see cref="FleetMigration"/> against the store, with a stand-in agent that runs derived workloads' replicas.</summary>
public sealed class FleetMigrationTests
{
    private static WorkloadSpec Api(int min = 2) =>
        StateFixtures.Workload("api", replicas: min) with { ReplicaRange = new ReplicaRange(min, min + 2) };

    private static Dictionary<string, int> Shares(params (string Cluster, int Replicas)[] shares) =>
        shares.ToDictionary(s => s.Cluster, s => s.Replicas, StringComparer.Ordinal);

    private static FleetMigration Migration(StateHarness h, TimeSpan? timeout = null) =>
        new(h.Store, h.Events, new WorkloadWriter(h.Store, h.Events)) { PollInterval = TimeSpan.FromMilliseconds(10), RunningTimeout = timeout ?? TimeSpan.FromSeconds(20) };

    [Fact]
    public async Task RunAsync_MoveToAnotherCluster_KeepsMinimumRunningAndRemovesTheOldShare()
    {
        await using var h = new StateHarness();
        var api = Api();
        await h.PutAsync(FleetWorkloads.Derive(api, "us-east-aaaa", 2));
        await using var agent = await StandInAgent.StartAsync(h.Store, api.Name);

        var result = await Migration(h).RunAsync(api, Shares(("us-east-bbbb", 2)), "consolidation");

        Assert.True(result.Completed, result.Message);
        Assert.Equal(Shares(("us-east-bbbb", 2)), result.Shares);
        Assert.Equal(["us-east-aaaa"], result.EmptiedClusters);
        Assert.Null(await h.Store.GetAsync(KeyLayout.Workload(new WorkloadKey("default", "api-us-east-aaaa"))));
        var moved = StateSerializer.Read<WorkloadSpec>((await h.Store.GetAsync(KeyLayout.Workload(new WorkloadKey("default", "api-us-east-bbbb"))))!);
        Assert.Equal((2, "us-east-bbbb", "api"), (moved.Replicas, moved.NodeSelector[FleetLabels.Cluster], moved.Labels[FleetLabels.FleetWorkload]));
        Assert.Null(moved.Placement);
        Assert.True(agent.FewestRunning >= 2, $"only {agent.FewestRunning} replica(s) Running at one point");
        var types = (await h.Events.ReadAfterAsync(0)).Select(e => e.Type).Where(t => t.ToString().StartsWith("FleetMigration", StringComparison.Ordinal)).ToList();
        Assert.Equal(ClusterEventType.FleetMigrationStarted, types[0]);
        Assert.Equal(ClusterEventType.FleetMigrationCompleted, types[^1]);
        // Two one-replica moves (scale up, Running, scale down) and the removal of the emptied share.
        Assert.Equal(7, types.Count(t => t == ClusterEventType.FleetMigrationStep));
    }

    [Fact]
    public async Task RunAsync_NewReplicasNeverRun_StopsWithoutScalingTheOldShareDown()
    {
        await using var h = new StateHarness();
        var api = Api();
        await h.PutAsync(FleetWorkloads.Derive(api, "us-east-aaaa", 2));
        await using var agent = await StandInAgent.StartAsync(h.Store, api.Name, stuckCluster: "us-east-bbbb");

        var result = await Migration(h, TimeSpan.FromMilliseconds(200)).RunAsync(api, Shares(("us-east-bbbb", 2)), "manual");

        Assert.False(result.Completed);
        Assert.Contains("only 0 of 1 replica(s) Running in cluster us-east-bbbb", result.Message, StringComparison.Ordinal);
        var old = StateSerializer.Read<WorkloadSpec>((await h.Store.GetAsync(KeyLayout.Workload(new WorkloadKey("default", "api-us-east-aaaa"))))!);
        Assert.Equal(2, old.Replicas);
        Assert.Contains(await h.Events.ReadAfterAsync(0), e => e.Type == ClusterEventType.FleetMigrationFailed && e.Subject == "default/api");
    }

    [Fact]
    public async Task RunAsync_TargetBelowMinimum_IsRefusedAndWritesNoWorkload()
    {
        await using var h = new StateHarness();
        var api = Api(min: 3);
        await h.PutAsync(FleetWorkloads.Derive(api, "us-east-aaaa", 3));
        var before = (await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.WorkloadsPrefix))).Kvs.Count;

        var result = await Migration(h).RunAsync(api, Shares(("us-east-bbbb", 1)), "manual");

        Assert.False(result.Completed);
        Assert.Contains("fewer than the workload's minimum of 3", result.Message, StringComparison.Ordinal);
        Assert.Equal(before, (await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.WorkloadsPrefix))).Kvs.Count);
    }

    [Fact]
    public async Task RunAsync_OldClusterStillUsedByAnotherWorkload_IsNotReportedEmpty()
    {
        await using var h = new StateHarness();
        var api = Api(min: 1);
        await h.PutAsync(FleetWorkloads.Derive(api, "us-east-aaaa", 1));
        await h.PutAsync(FleetWorkloads.Derive(StateFixtures.Workload("web"), "us-east-aaaa", 1));
        await using var agent = await StandInAgent.StartAsync(h.Store, api.Name);

        var result = await Migration(h).RunAsync(api, Shares(("us-east-bbbb", 1)), "manual");

        Assert.True(result.Completed, result.Message);
        Assert.Empty(result.EmptiedClusters);
    }
}
