using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Berth.Dashboard.Tests.Fixtures;

/// <summary>One open dashboard tab, with the script errors it raised (a test fails on any).</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _errors = new();

    internal DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.PageError += (_, error) => _errors.Enqueue("page error: " + error);
        page.Console += (_, message) =>
        {
            // A refused API call also logs a console error ("Failed to load resource"); the tests that expect one check the page instead.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                _errors.Enqueue("console error: " + message.Text);
            }
        };
    }

    /// <summary>The Playwright page.</summary>
    public IPage Page { get; }

    /// <summary>Script errors so far.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>Opens a view by its tab (<c>nodes</c>, <c>workloads</c>, <c>pools</c>).</summary>
    public Task ShowAsync(string view) => Page.Locator($"#tab-{view}").ClickAsync();

    /// <summary>Saves a full-page screenshot as <c>TestResults/screenshots/{name}.png</c>; its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(DashboardBrowser.ScreenshotDirectory);
        var path = Path.Combine(DashboardBrowser.ScreenshotDirectory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 0, $"screenshot {path} is empty");
        return path;
    }

    /// <summary>Fails when the page raised a script error.</summary>
    public void AssertNoScriptErrors() => Assert.True(_errors.IsEmpty, "the dashboard raised script errors:\n" + string.Join('\n', _errors));

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
