using Berth.Dashboard.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Berth.Dashboard.Tests;

/// <summary>
/// The dashboard in headless Chromium against a live <c>berth dev</c>: what is applied through the CLI shows up with its
/// replicas and placement, nodes show readiness and allocation bars, and the event feed shows what happens as it happens.
/// </summary>
public sealed class DashboardTests(DevCluster cluster, DashboardBrowser browser) : IClassFixture<DevCluster>, IClassFixture<DashboardBrowser>
{
    private const string Ticker = "default/ticker";

    // Generous for a loaded 2-core machine; the assertions return as soon as the page shows what they wait for.
    private static readonly LocatorAssertionsToHaveCountOptions CountWait = new() { Timeout = 45_000 };
    private static readonly LocatorAssertionsToContainTextOptions TextWait = new() { Timeout = 45_000 };

    private async Task ApplyTickerAsync() =>
        await cluster.BerthAsync("apply", "-f", RepositoryFiles.Path("examples/workloads/ticker.yaml"));

    [ChromiumFact(Timeout = 180_000)]
    public async Task Workloads_TickerAppliedThroughCli_ShowsThreeOfThreeRunningWithPlacement()
    {
        await ApplyTickerAsync();
        await using var dashboard = await browser.OpenAsync(cluster.Address);

        await dashboard.ShowAsync("workloads");

        var row = dashboard.Page.Locator($"#workloads-body tr[data-workload='{Ticker}']");
        await Expect(row.Locator("td[data-replicas='3/3']")).ToHaveCountAsync(1, CountWait);
        await Expect(row).ToContainTextAsync("3 Running", TextWait);
        await Expect(row).ToContainTextAsync("nodes feasible", TextWait);
        await row.ClickAsync();
        var detail = dashboard.Page.Locator("#workload-detail");
        await Expect(detail).ToContainTextAsync($"{Ticker} — placement", TextWait);
        await Expect(detail.Locator("tbody tr")).ToHaveCountAsync(3, CountWait);
        await Expect(detail).ToContainTextAsync("WorkloadScheduled", TextWait);
        await Expect(dashboard.Page.Locator("#workloads-summary")).ToContainTextAsync("3 replicas running", TextWait);
        await dashboard.ScreenshotAsync("workloads");
        dashboard.AssertNoScriptErrors();
    }

    [ChromiumFact(Timeout = 180_000)]
    public async Task Nodes_DevClusterWithTicker_ThreeReadyNodesWithCpuAndMemoryBars()
    {
        await ApplyTickerAsync();
        await using var dashboard = await browser.OpenAsync(cluster.Address);

        var rows = dashboard.Page.Locator("#nodes-body tr[data-node]");
        await Expect(rows).ToHaveCountAsync(3, CountWait);
        await Expect(dashboard.Page.Locator("#nodes-summary")).ToContainTextAsync("3 nodes · 3 ready", TextWait);
        await Expect(rows.Locator(".bar[data-resource='cpu']")).ToHaveCountAsync(3, CountWait);
        await Expect(rows.Locator(".bar[data-resource='memory']")).ToHaveCountAsync(3, CountWait);
        // Each dev node runs one ticker replica (spread over zones): every CPU bar shows 50m of 2 cores held.
        await Expect(rows.Locator(".bar[data-resource='cpu'] .label").Filter(new LocatorFilterOptions { HasText = "50m / 2" }))
            .ToHaveCountAsync(3, CountWait);
        var width = await rows.First.Locator(".bar[data-resource='cpu'] .fill").EvaluateAsync<string>("e => e.style.width");
        Assert.Equal("2.5%", width);
        await Expect(rows.Filter(new LocatorFilterOptions { HasText = "Ready" })).ToHaveCountAsync(3, CountWait);
        await Expect(dashboard.Page.Locator("#nodes-range")).ToHaveTextAsync("1–3 of 3");
        await dashboard.ScreenshotAsync("nodes");
        dashboard.AssertNoScriptErrors();
    }

    [ChromiumFact(Timeout = 180_000)]
    public async Task EventFeed_NodeCordonedThroughCli_EventAppearsLiveAndUncordonButtonRestoresIt()
    {
        await using var dashboard = await browser.OpenAsync(cluster.Address);
        await Expect(dashboard.Page.Locator("#feed-status")).ToHaveTextAsync("live", new LocatorAssertionsToHaveTextOptions { Timeout = 45_000 });
        // The feed starts with the history: the three nodes registering.
        await Expect(dashboard.Page.Locator("#events li[data-type='NodeRegistered']")).ToHaveCountAsync(3, CountWait);

        await cluster.BerthAsync("node", "cordon", "dev-2");

        var cordoned = dashboard.Page.Locator("#events li[data-type='NodeCordoned']");
        await Expect(cordoned).ToHaveCountAsync(1, CountWait);
        await Expect(cordoned).ToContainTextAsync("dev-2", TextWait);
        var row = dashboard.Page.Locator("#nodes-body tr[data-node='dev-2']");
        await Expect(row).ToContainTextAsync("Cordoned", TextWait);
        await dashboard.ScreenshotAsync("events-cordoned");

        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Uncordon" }).ClickAsync();

        await Expect(dashboard.Page.Locator("#events li[data-type='NodeUncordoned']")).ToContainTextAsync("dev-2", TextWait);
        await Expect(row).Not.ToContainTextAsync("Cordoned", new LocatorAssertionsToContainTextOptions { Timeout = 45_000 });
        await Expect(row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Cordon" })).ToBeVisibleAsync();
        await dashboard.ScreenshotAsync("events-uncordoned");
        dashboard.AssertNoScriptErrors();
    }

    [ChromiumFact(Timeout = 180_000)]
    public async Task Filter_NodesByZone_ShowsOnlyMatchingNodesWithCount()
    {
        await using var dashboard = await browser.OpenAsync(cluster.Address);
        await Expect(dashboard.Page.Locator("#nodes-body tr[data-node]")).ToHaveCountAsync(3, CountWait);

        await dashboard.Page.Locator("#nodes-filter").FillAsync("zone-c");

        await Expect(dashboard.Page.Locator("#nodes-body tr[data-node]")).ToHaveCountAsync(1, CountWait);
        await Expect(dashboard.Page.Locator("#nodes-body tr[data-node='dev-3']")).ToHaveCountAsync(1, CountWait);
        await Expect(dashboard.Page.Locator("#nodes-summary")).ToContainTextAsync("1 node matching", TextWait);
        dashboard.AssertNoScriptErrors();
    }

    [ChromiumFact(Timeout = 180_000)]
    public async Task Token_GivenInUrlFragment_LeavesTheAddressBarAndIsSentAsBearer()
    {
        const string token = "berth_dashtest_secret";
        var sent = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var dashboard = await browser.OpenAsync(cluster.Address);
        dashboard.Page.Request += (_, request) =>
        {
            if (request.Url.Contains("/v1/", StringComparison.Ordinal) && request.Headers.TryGetValue("authorization", out var value))
            {
                sent.Enqueue(value);
            }
        };

        await dashboard.Page.GotoAsync(new Uri(cluster.Address, "/") + "#token=" + token);
        await dashboard.Page.ReloadAsync();

        await Expect(dashboard.Page.Locator("#sign-out")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 45_000 });
        Assert.Contains("Bearer " + token, sent);
        Assert.DoesNotContain(token, dashboard.Page.Url, StringComparison.Ordinal);
        Assert.Equal(token, await dashboard.Page.EvaluateAsync<string>("() => sessionStorage.getItem('berth.token')"));
    }
}
