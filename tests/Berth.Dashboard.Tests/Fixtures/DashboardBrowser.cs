using Microsoft.Playwright;

namespace Berth.Dashboard.Tests.Fixtures;

/// <summary>
/// Headless Chromium driven by Playwright, launched once for a test class from <see cref="Chromium.ExecutablePath"/>;
/// pages record the browser's console errors and failed scripts, and screenshots go under the test output's
/// <c>TestResults/screenshots/</c>.
/// </summary>
public sealed class DashboardBrowser : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where screenshots are written.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }
        Chromium.Require();
        // The browser is the system's; Playwright must never try to fetch one of its own.
        System.Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            // Shared memory is small in containers; Chromium then writes to /tmp instead of crashing tabs.
            Args = ["--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    /// <summary>A fresh page (own storage) at the dashboard of <paramref name="address"/>, with <paramref name="fragment"/> (e.g. <c>#token=...</c>) appended.</summary>
    public async Task<DashboardPage> OpenAsync(Uri address, string fragment = "")
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 950 } });
        var page = await context.NewPageAsync();
        var opened = new DashboardPage(context, page);
        await page.GotoAsync(new Uri(address, "/").ToString() + fragment);
        return opened;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}
