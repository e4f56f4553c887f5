using System.Net;
using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Observability;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Observability;

/// <summary>
/// A scheduling run against a real server on loopback (placements, a preemption, an unschedulable replica), then
/// <c>/metrics</c>: each metric of the run appears with its Kubernetes-style name and labels, and counts what the run did.
/// </summary>
public sealed class SchedulingRunMetricsTests
{
    private static string Class(string name, int value) => $"""
        apiVersion: berth.dev/v1
        kind: PriorityClass
        metadata: {"{"}name: {name}{"}"}
        spec: {"{"}value: {value}, preemptionPolicy: PreemptLowerPriority{"}"}
        ---

        """;

    private static string Workload(string name, int replicas, string cpu, string priorityClass) => $"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {"{"}name: {name}{"}"}
        spec:
          replicas: {replicas}
          priorityClassName: {priorityClass}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {"{"}requests: {"{"}cpu: {cpu}, memory: 64Mi{"}"}{"}"}

        """;

    private static NodeSpec Node(string name, string cpu) =>
        new(name, new Dictionary<string, string> { [WellKnownLabels.Hostname] = name }, [],
            ResourceList.Parse(("cpu", cpu), ("memory", "8Gi"), ("pods", "110")));

    private static async Task<PrometheusText> ScrapeAsync(RunningServer server) =>
        PrometheusText.Parse(await server.GetTextAsync("metrics"));

    [Fact]
    public async Task Scrape_AfterPlacementPreemptionAndUnschedulable_ShowsEveryMetricWithItsLabels()
    {
        await using var server = await RunningServer.StartAsync();
        await server.Host.Nodes.RegisterAsync(Node("n1", "2"));
        await server.ApplyAsync(Class("batch", 10) + Workload("low", 2, "1", "batch"));
        await RunningServer.WaitForAsync(() => ScrapeAsync(server),
            m => m[$"{BerthMetrics.ScheduleAttemptsTotal}{{result=\"scheduled\"}}"] >= 2, "two low replicas scheduled");

        // The high replica evicts one low replica; the evicted one and the huge one then find no room.
        await server.ApplyAsync(Class("critical", 1000) + Workload("high", 1, "1", "critical"));
        await server.ApplyAsync(Workload("huge", 1, "8", "batch"));

        var metrics = await RunningServer.WaitForAsync(() => ScrapeAsync(server),
            m => m[$"{BerthMetrics.PendingReplicasGauge}{{queue=\"unschedulable\"}}"] == 2
                && m[BerthMetrics.PreemptionAttemptsTotal] == 1,
            "one preemption and two replicas pending as unschedulable");

        // Scheduling attempts by result (scheduler_schedule_attempts_total) and their latency (scheduler_scheduling_attempt_duration_seconds).
        Assert.Equal(3, metrics[$"{BerthMetrics.ScheduleAttemptsTotal}{{result=\"scheduled\"}}"]);
        Assert.True(metrics[$"{BerthMetrics.ScheduleAttemptsTotal}{{result=\"unschedulable\"}}"] >= 2, metrics.Text);
        Assert.Equal(0, metrics[$"{BerthMetrics.ScheduleAttemptsTotal}{{result=\"error\"}}"]);
        Assert.Equal(3, metrics[$"{BerthMetrics.SchedulingAttemptSeconds}_count{{result=\"scheduled\"}}"]);
        Assert.True(metrics[$"{BerthMetrics.SchedulingAttemptSeconds}_sum{{result=\"scheduled\"}}"] > 0, metrics.Text);
        Assert.Equal(3, metrics[$"{BerthMetrics.SchedulingAttemptSeconds}_bucket{{result=\"scheduled\",le=\"+Inf\"}}"]);
        Assert.True(metrics[$"{BerthMetrics.SchedulingAttemptSeconds}_count{{result=\"unschedulable\"}}"] >= 2, metrics.Text);
        Assert.Equal(3, metrics[$"{BerthMetrics.PlacementsTotal}{{outcome=\"placed\"}}"]);
        Assert.True(metrics[BerthMetrics.SchedulingCycleSeconds + "_count"] >= 3, metrics.Text);
        // Preemptions (scheduler_preemption_attempts_total) and their victims (scheduler_preemption_victims).
        Assert.Equal(1, metrics[BerthMetrics.PreemptionVictims + "_count"]);
        Assert.Equal(1, metrics[BerthMetrics.PreemptionVictims + "_sum"]);
        Assert.Equal(1, metrics[BerthMetrics.PreemptionVictims + "_bucket{le=\"1\"}"]);
        // Pending replicas (scheduler_pending_pods) and the older gauge of the same count.
        Assert.Equal(2, metrics[BerthMetrics.ReplicasUnschedulableGauge]);
        // Reconciliation actions by action and result.
        Assert.Equal(3, metrics[$"{BerthMetrics.ReconcileActionsTotal}{{action=\"Place\",result=\"Changed\"}}"]);
        Assert.True(metrics[$"{BerthMetrics.ReconcileActionsTotal}{{action=\"Place\",result=\"Unchanged\"}}"] >= 2, metrics.Text);
        Assert.Equal(0, metrics[$"{BerthMetrics.ReconcileActionsTotal}{{action=\"Retry\",result=\"Changed\"}}"]);
        // Retries by kind, node health (NotReady: unhealthy), leadership.
        Assert.Equal(0, metrics[$"{BerthMetrics.RetriesTriggeredTotal}{{kind=\"InPlace\"}}"]);
        Assert.Equal(0, metrics[$"{BerthMetrics.RetriesTriggeredTotal}{{kind=\"Released\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.NodesGauge}{{status=\"Ready\"}}"]);
        Assert.Equal(0, metrics[$"{BerthMetrics.NodesGauge}{{status=\"NotReady\"}}"]);
        Assert.Equal(1, metrics[BerthMetrics.LeaderGauge]);
        // Store latency by operation and the transactions by result.
        Assert.True(metrics[$"{BerthMetrics.StoreRequestSeconds}_count{{operation=\"txn\"}}"] > 0, metrics.Text);
        Assert.True(metrics[$"{BerthMetrics.StoreRequestSeconds}_sum{{operation=\"txn\"}}"] > 0, metrics.Text);
        Assert.NotNull(metrics[$"{BerthMetrics.StoreRequestSeconds}_count{{operation=\"get\"}}"]);
        Assert.NotNull(metrics[$"{BerthMetrics.StoreRequestSeconds}_count{{operation=\"range\"}}"]);
        Assert.True(metrics[$"{BerthMetrics.StoreTransactionsTotal}{{result=\"committed\"}}"] > 0, metrics.Text);
        // API requests by route and code.
        Assert.Equal(3, metrics.Sum("http_requests_received_total", "endpoint=\"/v1/apply\"", "code=\"200\"", "method=\"POST\""));
        Assert.Equal(3, metrics.Sum("http_request_duration_seconds_count", "endpoint=\"/v1/apply\"", "code=\"200\""));
        foreach (var name in (string[])[BerthMetrics.ScheduleAttemptsTotal, BerthMetrics.SchedulingAttemptSeconds, BerthMetrics.PendingReplicasGauge,
                     BerthMetrics.ReconcileActionsTotal, BerthMetrics.PreemptionAttemptsTotal, BerthMetrics.PreemptionVictims, BerthMetrics.StoreRequestSeconds])
        {
            Assert.True(metrics.Help.TryGetValue(name, out var help) && help.Length > 20, $"{name} has no HELP line in:\n{metrics}");
        }
    }

    [Fact]
    public async Task Request_WithUsableCorrelationId_EchoesIt_OtherwiseAnswersAFreshOne()
    {
        await using var server = await RunningServer.StartAsync();

        using var given = new HttpRequestMessage(HttpMethod.Get, server.Url("v1/nodes"));
        given.Headers.Add(CorrelationScope.Header, "req-42.a:b_c");
        using var echoed = await server.Http.SendAsync(given);
        using var forged = new HttpRequestMessage(HttpMethod.Get, server.Url("v1/nodes"));
        forged.Headers.TryAddWithoutValidation(CorrelationScope.Header, "bad id; x=1");
        using var replaced = await server.Http.SendAsync(forged);
        using var none = await server.Http.GetAsync(server.Url("v1/nodes"));

        Assert.Equal(HttpStatusCode.OK, echoed.StatusCode);
        Assert.Equal("req-42.a:b_c", Assert.Single(echoed.Headers.GetValues(CorrelationScope.Header)));
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(replaced.Headers.GetValues(CorrelationScope.Header)));
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(none.Headers.GetValues(CorrelationScope.Header)));
    }
}
