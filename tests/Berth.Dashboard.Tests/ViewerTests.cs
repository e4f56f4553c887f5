using Berth.Dashboard.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Berth.Dashboard.Tests;

/// <summary>The dashboard signed in with tokens: a viewer sees everything and can change nothing; a bad token is asked again.</summary>
public sealed class ViewerTests(DevCluster cluster, DashboardBrowser browser) : IClassFixture<DevCluster>, IClassFixture<DashboardBrowser>
{
    private static readonly LocatorAssertionsToHaveCountOptions CountWait = new() { Timeout = 45_000 };
    private static readonly LocatorAssertionsToContainTextOptions TextWait = new() { Timeout = 45_000 };

    [ChromiumFact(Timeout = 180_000)]
    public async Task Viewer_TokenInUrl_SeesNodesWorkloadsAndEventsButNoCordonButtons()
    {
        await cluster.BerthAsync("apply", "-f", RepositoryFiles.Path("examples/workloads/ticker.yaml"));
        var token = await Tokens.CreateAsync(cluster, "vera", "viewer");

        await using var dashboard = await browser.OpenAsync(cluster.Address, "#token=" + token);

        var page = dashboard.Page;
        await Expect(page.Locator("#who")).ToContainTextAsync("Signed in as vera (viewer) · read-only", TextWait);
        await Expect(page.Locator("#nodes-body tr[data-node]")).ToHaveCountAsync(3, CountWait);
        await Expect(page.Locator("#nodes-body .bar[data-resource='cpu']")).ToHaveCountAsync(3, CountWait);
        await Expect(page.Locator("#feed-status")).ToHaveTextAsync("live", new LocatorAssertionsToHaveTextOptions { Timeout = 45_000 });
        await Expect(page.Locator("#events li[data-type='WorkloadApplied']")).ToHaveCountAsync(1, CountWait);
        Assert.Equal(0, await page.Locator("#nodes-body button").CountAsync());
        await dashboard.ScreenshotAsync("viewer-nodes");

        await dashboard.ShowAsync("workloads");
        await Expect(page.Locator("#workloads-body tr[data-workload='default/ticker'] td[data-replicas='3/3']")).ToHaveCountAsync(1, CountWait);
        await dashboard.ShowAsync("pools");
        await Expect(page.Locator("#pools-summary")).ToContainTextAsync("0 pools", TextWait);
        await Expect(page.Locator("#banner")).ToBeHiddenAsync();

        // The buttons are hidden because the server would refuse: the same call from the page with the viewer's token is a 403 naming what is missing.
        var refused = await page.EvaluateAsync<string>(
            "async () => { const r = await fetch('/v1/nodes/dev-1/cordon', { method: 'POST', headers: { Authorization: 'Bearer ' + sessionStorage.getItem('berth.token') } }); return r.status + ' ' + (await r.json()).error; }");
        Assert.StartsWith("403 ", refused, StringComparison.Ordinal);
        Assert.Contains("cordon", refused, StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("viewer-pools");
        dashboard.AssertNoScriptErrors();
    }

    [ChromiumFact(Timeout = 180_000)]
    public async Task SignIn_UnknownTokenThenOperatorToken_AsksAgainWithTheServersMessageThenShowsCordonButtons()
    {
        var operatorToken = await Tokens.CreateAsync(cluster, "olga", "operator");

        await using var dashboard = await browser.OpenAsync(cluster.Address, "#token=berth_nosuchid_nosuchsecret");

        var page = dashboard.Page;
        var dialog = page.Locator("#sign-in");
        await Expect(dialog).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 45_000 });
        await Expect(page.Locator("#sign-in-reason")).ToContainTextAsync("The server refused the request", TextWait);
        Assert.DoesNotContain("nosuchsecret", page.Url, StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("sign-in-refused");

        await page.Locator("#token-input").FillAsync(operatorToken);
        await page.Locator("#sign-in-submit").ClickAsync();

        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator("#who")).ToContainTextAsync("Signed in as olga (operator)", TextWait);
        await Expect(page.Locator("#who")).Not.ToContainTextAsync("read-only");
        await Expect(page.Locator("#nodes-body button.cordon")).ToHaveCountAsync(3, CountWait);
        await Expect(page.Locator("#feed-status")).ToHaveTextAsync("live", new LocatorAssertionsToHaveTextOptions { Timeout = 45_000 });
        Assert.Equal(operatorToken, await page.EvaluateAsync<string>("() => sessionStorage.getItem('berth.token')"));
    }
}
