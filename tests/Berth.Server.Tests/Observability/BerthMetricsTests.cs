using System.Text;
using Berth.Core.Specs;
using Berth.Server.Observability;
using Berth.Server.Placement;
using Berth.Server.Reconciliation;
using Berth.Server.Retries;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Observability;

/// <summary>What each recording method of <see cref="BerthMetrics"/> does to its series.</summary>
public sealed class BerthMetricsTests
{
    private readonly BerthMetrics _metrics = new();

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await _metrics.Registry.CollectAndExportAsTextAsync(stream);
        return PrometheusText.Parse(Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public async Task RecordSchedulingCycle_MixedOutcomes_CountsEachAndTimesTheCycle()
    {
        var web = new WorkloadKey("default", "web");
        var pass = new PlacementPass(web,
            [new(0, ReplicaOutcomeKind.Placed, "n1", ""), new(1, ReplicaOutcomeKind.Unschedulable, null, "0/1 nodes"),
             new(2, ReplicaOutcomeKind.Removed, "n1", ""), new(3, ReplicaOutcomeKind.StaleGaveUp, null, "moved")], 3, 5);

        _metrics.RecordSchedulingCycle(pass, TimeSpan.FromMilliseconds(3));

        var metrics = await ScrapeAsync();
        Assert.Equal(1, metrics[$"{BerthMetrics.PlacementsTotal}{{outcome=\"placed\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.PlacementsTotal}{{outcome=\"unschedulable\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.PlacementsTotal}{{outcome=\"stale\"}}"]);
        Assert.Equal(1, metrics[BerthMetrics.SchedulingCycleSeconds + "_count"]);
        Assert.Equal(0.003, metrics[BerthMetrics.SchedulingCycleSeconds + "_sum"]!.Value, 6);
    }

    [Fact]
    public async Task RecordSchedulingCycle_PreemptingPlacement_CountsAttemptsByResultAndVictimsOncePerDecision()
    {
        var web = new WorkloadKey("default", "web");
        var pass = new PlacementPass(web,
            [new(0, ReplicaOutcomeKind.Placed, "n1", "") { Victims = 3 }, new(1, ReplicaOutcomeKind.Placed, "n2", ""),
             new(2, ReplicaOutcomeKind.Unschedulable, null, "0/2 nodes"), new(3, ReplicaOutcomeKind.StaleGaveUp, null, "moved")], 0, 5);

        _metrics.RecordSchedulingCycle(pass, TimeSpan.FromMilliseconds(4));

        var metrics = await ScrapeAsync();
        Assert.Equal(2, metrics[$"{BerthMetrics.ScheduleAttemptsTotal}{{result=\"scheduled\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.ScheduleAttemptsTotal}{{result=\"unschedulable\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.ScheduleAttemptsTotal}{{result=\"error\"}}"]);
        Assert.Equal(2, metrics[$"{BerthMetrics.SchedulingAttemptSeconds}_count{{result=\"scheduled\"}}"]);
        Assert.Equal(0.008, metrics[$"{BerthMetrics.SchedulingAttemptSeconds}_sum{{result=\"scheduled\"}}"]!.Value, 6);
        Assert.Equal(1, metrics[BerthMetrics.PreemptionAttemptsTotal]);
        Assert.Equal(3, metrics[BerthMetrics.PreemptionVictims + "_sum"]);
        Assert.Equal(0, metrics[BerthMetrics.PreemptionVictims + "_bucket{le=\"2\"}"]);
        Assert.Equal(1, metrics[BerthMetrics.PreemptionVictims + "_bucket{le=\"4\"}"]);
    }

    [Fact]
    public async Task RecordReconcileAction_EachActionAndResult_CountsItsOwnSeries()
    {
        _metrics.RecordReconcileAction(ReconcileAction.CompleteRollout, ReconcileResult.Failed);
        _metrics.RecordReconcileAction(ReconcileAction.Place, ReconcileResult.Changed);
        _metrics.RecordReconcileAction(ReconcileAction.Place, ReconcileResult.Changed);

        var metrics = await ScrapeAsync();
        Assert.Equal(1, metrics[$"{BerthMetrics.ReconcileActionsTotal}{{action=\"CompleteRollout\",result=\"Failed\"}}"]);
        Assert.Equal(2, metrics[$"{BerthMetrics.ReconcileActionsTotal}{{action=\"Place\",result=\"Changed\"}}"]);
        Assert.Equal(0, metrics[$"{BerthMetrics.ReconcileActionsTotal}{{action=\"Place\",result=\"Failed\"}}"]);
        Assert.Equal(3, metrics.Sum(BerthMetrics.ReconcileActionsTotal));
    }

    [Fact]
    public async Task RecordLoopPass_Failed_CountsFailureAndDuration()
    {
        _metrics.RecordLoopPass(TimeSpan.FromMilliseconds(1), failed: false);
        _metrics.RecordLoopPass(TimeSpan.FromMilliseconds(1), failed: true);

        var metrics = await ScrapeAsync();
        Assert.Equal(2, metrics[BerthMetrics.ControlLoopPassSeconds + "_count"]);
        Assert.Equal(1, metrics[BerthMetrics.ControlLoopFailuresTotal]);
    }

    [Fact]
    public async Task RecordRetries_TwoKinds_CountsByKind()
    {
        _metrics.RecordRetries(new DueResult(
            [new("default/web/0", 1, "n1", RestartKind.InPlace), new("default/web/1", 2, "n1", RestartKind.InPlace), new("default/web/2", 1, "n2", RestartKind.Released)],
            []));

        var metrics = await ScrapeAsync();
        Assert.Equal(2, metrics[$"{BerthMetrics.RetriesTriggeredTotal}{{kind=\"InPlace\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.RetriesTriggeredTotal}{{kind=\"Released\"}}"]);
    }

    [Fact]
    public async Task RecordCensus_StoredState_SetsGaugesIncludingZeros()
    {
        await using var harness = new StateHarness();
        await harness.PutAsync(StateFixtures.Node("n1"));
        await harness.PutAsync(StateFixtures.Node("n2") with { Status = new NodeStatus(false, null) });

        var cache = new ClusterCache(harness.Store);
        await cache.LoadAsync();
        _metrics.RecordCensus(ClusterCensus.Count(cache));

        var metrics = await ScrapeAsync();
        Assert.Equal(1, metrics[$"{BerthMetrics.NodesGauge}{{status=\"Ready\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.NodesGauge}{{status=\"NotReady\"}}"]);
        Assert.Equal(0, metrics[BerthMetrics.NodesCordonedGauge]);
        Assert.Equal(0, metrics[$"{BerthMetrics.WorkloadsGauge}{{desired_state=\"Running\"}}"]);
        Assert.Equal(0, metrics[$"{BerthMetrics.AssignmentsGauge}{{state=\"Failed\"}}"]);
    }

    [Fact]
    public async Task RecordCensus_WorkloadShortOfReplicas_CountsThemInTheActiveQueue()
    {
        await using var harness = new StateHarness();
        await harness.PutAsync(StateFixtures.Node("n1"));
        var web = StateFixtures.Workload("web", replicas: 3);
        var revision = await harness.PutAsync(web);
        await harness.PutAsync(StateFixtures.Workload("idle", replicas: 2) with { DesiredState = DesiredState.Stopped });
        var key = WorkloadKey.Of(web);
        await harness.Store.PutAsync(KeyLayout.Assignment(key, 0), StateSerializer.Serialize(
            new Assignment(key, 0, "n1", revision, web.Containers[0].Resources.Requests, [], "test", AssignmentState.Running)));

        var cache = new ClusterCache(harness.Store);
        await cache.LoadAsync();
        _metrics.RecordCensus(ClusterCensus.Count(cache));

        var metrics = await ScrapeAsync();
        Assert.Equal(2, metrics[$"{BerthMetrics.PendingReplicasGauge}{{queue=\"{BerthMetrics.ActiveQueue}\"}}"]);
        Assert.Equal(0, metrics[$"{BerthMetrics.PendingReplicasGauge}{{queue=\"{BerthMetrics.UnschedulableQueue}\"}}"]);
    }
}
