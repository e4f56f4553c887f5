using System.Diagnostics;
using Berth.Dashboard.Tests.Fixtures;
using Berth.EndToEnd.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Berth.Dashboard.Tests;

/// <summary>
/// The nodes view over 5,000 hollow nodes (<c>berth agent --simulate</c>) next to berth dev's three: the server pages, the
/// page draws one page of rows, and loading, paging and filtering stay fast.
/// </summary>
public sealed class ScaleTests(DevCluster cluster, DashboardBrowser browser, ITestOutputHelper output) : IClassFixture<DevCluster>, IClassFixture<DashboardBrowser>
{
    private const int Hollow = 5000;
    private const int Total = Hollow + 3;
    private const int PageSize = 50;

    // Bounds for a loaded 2-core CI machine that also runs 5,000 hollow nodes; measured figures are printed.
    private static readonly TimeSpan FirstPageBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PageTurnBound = TimeSpan.FromSeconds(5);

    [ChromiumFact(Timeout = 300_000)]
    public async Task Nodes_FiveThousandNodes_PagedFiftyAtATimeAndFast()
    {
        using var hollow = cluster.Start("hollow nodes",
            ["agent", "--simulate", Hollow.ToString(System.Globalization.CultureInfo.InvariantCulture), "--simulate-zones", "3",
             "--name", "hollow", "--capacity", "cpu=8,memory=32Gi,nvidia.com/gpu=2,pods=110"]);
        await Eventually.WaitAsync(async () => (await cluster.NodeCountsAsync()).Ready >= Total,
            $"{Total} Ready nodes; hollow agent output:\n{hollow.Output}", TimeSpan.FromSeconds(180));

        // The API answer for one page (the last) while 5,003 nodes are stored.
        var api = Stopwatch.StartNew();
        var last = await cluster.Http.GetStringAsync($"v1/nodes?offset={Total - PageSize}&limit={PageSize}");
        api.Stop();
        Assert.Contains("\"total\":" + Total, last, StringComparison.Ordinal);
        output.WriteLine($"GET /v1/nodes?offset={Total - PageSize}&limit={PageSize}: {api.ElapsedMilliseconds} ms, {last.Length} bytes");

        var load = Stopwatch.StartNew();
        await using var dashboard = await browser.OpenAsync(cluster.Address);
        var range = dashboard.Page.Locator("#nodes-range");
        await Expect(range).ToHaveTextAsync($"1–{PageSize} of 5,003", new LocatorAssertionsToHaveTextOptions { Timeout = 60_000 });
        load.Stop();
        output.WriteLine($"first page of {Total} nodes drawn {load.ElapsedMilliseconds} ms after opening the page");
        var rows = dashboard.Page.Locator("#nodes-body tr");
        Assert.Equal(PageSize, await rows.CountAsync());
        await Expect(dashboard.Page.Locator("#nodes-summary")).ToContainTextAsync("5,003 nodes · 5,003 ready");
        await Expect(dashboard.Page.Locator("#tab-nodes-count")).ToHaveTextAsync("5,003");
        // Hollow nodes offer GPUs and their rows draw a GPU bar; the three dev nodes (first by name) have none.
        await Expect(rows.Locator(".bar[data-resource='nvidia.com/gpu']")).ToHaveCountAsync(PageSize - 3);
        await dashboard.ScreenshotAsync("nodes-5000");

        var turn = Stopwatch.StartNew();
        await dashboard.Page.Locator("#nodes-next").ClickAsync();
        await Expect(range).ToHaveTextAsync("51–100 of 5,003");
        turn.Stop();
        output.WriteLine($"next page drawn in {turn.ElapsedMilliseconds} ms");
        Assert.Equal(PageSize, await rows.CountAsync());

        var filter = Stopwatch.StartNew();
        await dashboard.Page.Locator("#nodes-filter").FillAsync("hollow-4999");
        await Expect(range).ToHaveTextAsync("1–1 of 1");
        filter.Stop();
        output.WriteLine($"filter to one node of {Total} drawn in {filter.ElapsedMilliseconds} ms (250 ms of it is the typing debounce)");
        await Expect(dashboard.Page.Locator("#nodes-body tr[data-node='hollow-4999']")).ToHaveCountAsync(1);
        await dashboard.ScreenshotAsync("nodes-5000-filtered");

        Assert.True(load.Elapsed < FirstPageBound, $"the first page took {load.Elapsed.TotalMilliseconds:0} ms (bound {FirstPageBound.TotalSeconds} s)");
        Assert.True(turn.Elapsed < PageTurnBound, $"a page turn took {turn.Elapsed.TotalMilliseconds:0} ms (bound {PageTurnBound.TotalSeconds} s)");
        Assert.True(filter.Elapsed < PageTurnBound, $"filtering took {filter.Elapsed.TotalMilliseconds:0} ms (bound {PageTurnBound.TotalSeconds} s)");
        dashboard.AssertNoScriptErrors();
    }
}
