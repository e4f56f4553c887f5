using Berth.Server.Observability;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Observability;

/// <summary><c>/metrics</c> scraped from real servers on loopback.</summary>
public sealed class MetricsEndpointTests
{
    private static readonly string[] BerthMetricNames =
    [
        BerthMetrics.PlacementsTotal,
        BerthMetrics.SchedulingCycleSeconds,
        BerthMetrics.ControlLoopPassSeconds,
        BerthMetrics.ControlLoopFailuresTotal,
        BerthMetrics.NodesGauge,
        BerthMetrics.NodesCordonedGauge,
        BerthMetrics.WorkloadsGauge,
        BerthMetrics.AssignmentsGauge,
        BerthMetrics.ReplicasUnschedulableGauge,
        BerthMetrics.EventsTotal,
        BerthMetrics.RetriesTriggeredTotal,
        BerthMetrics.StoreTransactionsTotal,
    ];

    private static async Task<PrometheusText> ScrapeAsync(RunningServer server) =>
        PrometheusText.Parse(await server.GetTextAsync("metrics"));

    private static Task<PrometheusText> WaitForAsync(RunningServer server, Func<PrometheusText, bool> done, string what) =>
        RunningServer.WaitForAsync(() => ScrapeAsync(server), done, what);

    [Fact]
    public async Task Scrape_FreshServer_ListsEveryBerthMetricWithHelp()
    {
        await using var server = await RunningServer.StartAsync();

        var metrics = await ScrapeAsync(server);

        foreach (var name in BerthMetricNames)
        {
            Assert.True(metrics.Help.TryGetValue(name, out var help) && help.Length > 20, $"{name} has no HELP line in:\n{metrics}");
        }
        // Counters start at zero for every outcome, so rates exist before the first placement.
        Assert.Equal(0, metrics[$"{BerthMetrics.PlacementsTotal}{{outcome=\"placed\"}}"]);
        Assert.Equal(0, metrics[$"{BerthMetrics.AssignmentsGauge}{{state=\"Running\"}}"]);
    }

    [Fact]
    public async Task Scrape_AfterApplyOnOneNode_CountsPlacementsEventsGaugesAndRequests()
    {
        await using var server = await RunningServer.StartAsync();
        await server.Host.Nodes.RegisterAsync(RunningServer.Node("n1"));

        await server.ApplyAsync(RunningServer.Manifest("web", replicas: 2));

        var metrics = await WaitForAsync(
            server,
            m => m[$"{BerthMetrics.AssignmentsGauge}{{state=\"Pending\"}}"] == 2,
            "the assignments gauge to show 2 Pending");
        Assert.Equal(2, metrics[$"{BerthMetrics.PlacementsTotal}{{outcome=\"placed\"}}"]);
        Assert.Equal(0, metrics[$"{BerthMetrics.PlacementsTotal}{{outcome=\"unschedulable\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.NodesGauge}{{status=\"Ready\"}}"]);
        Assert.Equal(0, metrics[$"{BerthMetrics.NodesGauge}{{status=\"NotReady\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.WorkloadsGauge}{{desired_state=\"Running\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.EventsTotal}{{type=\"NodeRegistered\"}}"]);
        Assert.Equal(1, metrics[$"{BerthMetrics.EventsTotal}{{type=\"WorkloadApplied\"}}"]);
        Assert.True(metrics[$"{BerthMetrics.EventsTotal}{{type=\"WorkloadScheduled\"}}"] >= 1, metrics.Text);
        Assert.True(metrics[$"{BerthMetrics.StoreTransactionsTotal}{{result=\"committed\"}}"] >= 3, metrics.Text);
        Assert.True(metrics[BerthMetrics.ControlLoopPassSeconds + "_count"] >= 1, metrics.Text);
        Assert.True(metrics[BerthMetrics.SchedulingCycleSeconds + "_count"] >= 1, metrics.Text);
        Assert.Equal(0, metrics[BerthMetrics.ControlLoopFailuresTotal]);
        // Request metrics are labelled by route pattern.
        Assert.Equal(1, metrics.Sum("http_requests_received_total", "endpoint=\"/v1/apply\"", "code=\"200\"", "method=\"POST\""));
    }

    [Fact]
    public async Task Scrape_WorkloadWithNoNode_CountsUnschedulableAttempts()
    {
        await using var server = await RunningServer.StartAsync();

        await server.ApplyAsync(RunningServer.Manifest("web", replicas: 3));

        var metrics = await WaitForAsync(
            server,
            m => m[BerthMetrics.ReplicasUnschedulableGauge] == 3,
            "3 unschedulable replicas");
        Assert.True(metrics[$"{BerthMetrics.PlacementsTotal}{{outcome=\"unschedulable\"}}"] >= 3, metrics.Text);
        Assert.Equal(0, metrics[$"{BerthMetrics.PlacementsTotal}{{outcome=\"placed\"}}"]);
        Assert.Equal(0, metrics.Sum(BerthMetrics.AssignmentsGauge));
    }

    [Fact]
    public async Task Scrape_TwoServersInOneProcess_CountApart()
    {
        await using var busy = await RunningServer.StartAsync();
        await using var idle = await RunningServer.StartAsync();

        await busy.ApplyAsync(RunningServer.Manifest("web"));
        await WaitForAsync(busy, m => m[BerthMetrics.ReplicasUnschedulableGauge] == 2, "the busy server's first pass over the workload");
        var idleMetrics = await WaitForAsync(idle, m => m[BerthMetrics.ControlLoopPassSeconds + "_count"] >= 2, "two passes of the idle server");

        Assert.Equal(0, idleMetrics[$"{BerthMetrics.EventsTotal}{{type=\"WorkloadApplied\"}}"]);
        Assert.Equal(0, idleMetrics[$"{BerthMetrics.PlacementsTotal}{{outcome=\"unschedulable\"}}"]);
        Assert.Equal(0, idleMetrics.Sum("http_requests_received_total", "endpoint=\"/v1/apply\""));
    }
}
