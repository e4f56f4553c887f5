using System.Text.Json.Nodes;
using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.Dashboard.Tests.Fixtures;

/// <summary>
/// A live <c>berth dev</c> (server and three agents) on a free loopback port with a fresh temporary store, started once for
/// a test class and stopped (agents and replicas too) at its end. Started only when the browser tests run at all.
/// </summary>
public sealed class DevCluster : IAsyncLifetime
{
    private const string ReadyPrefix = "berth dev is ready: API ";
    private BerthProcess? _dev;
    private HttpClient? _http;

    /// <summary>The API (and dashboard) address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>A client of the API.</summary>
    public HttpClient Http => _http!;

    /// <summary>Everything berth dev printed so far.</summary>
    public string Output => _dev?.Output ?? "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }
        _dev = BerthProcess.Start("berth dev", ["dev", "--port", "0"]);
        var ready = await _dev.WaitForLineAsync(l => l.StartsWith(ReadyPrefix, StringComparison.Ordinal), "its ready line", TimeSpan.FromSeconds(90));
        Address = new Uri(ready[ReadyPrefix.Length..].Split(' ', 2)[0]);
        // berth dev tells its user where the dashboard is.
        await _dev.WaitForLineAsync(l => l.StartsWith($"Dashboard: {Address} ", StringComparison.Ordinal), "where the dashboard is");
        _http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Runs a berth client command against this cluster; fails with its output unless it exits 0.</summary>
    public async Task<string> BerthAsync(params string[] arguments)
    {
        var (code, output) = await BerthProcess.RunAsync(arguments, Environment());
        Assert.True(code == 0, $"berth {string.Join(' ', arguments)} exited with {code}:\n{output}");
        return output;
    }

    /// <summary>The environment that points berth commands at this cluster.</summary>
    public IReadOnlyDictionary<string, string> Environment() =>
        new Dictionary<string, string> { ["BERTH_ADDR"] = Address.GetLeftPart(UriPartial.Authority) };

    /// <summary>Starts another berth process (e.g. hollow agents) pointed at this cluster; the caller disposes it.</summary>
    internal BerthProcess Start(string name, IEnumerable<string> arguments) => BerthProcess.Start(name, arguments, Environment());

    /// <summary>The number of nodes the API reports, and how many are Ready.</summary>
    public async Task<(int Total, int Ready)> NodeCountsAsync()
    {
        var page = JsonNode.Parse(await Http.GetStringAsync("v1/nodes?limit=1"))!;
        return ((int)page["total"]!, (int)page["ready"]!);
    }

    /// <summary>Stops berth dev as Ctrl+C would, then makes sure nothing it started is left.</summary>
    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_dev is null)
        {
            return;
        }
        var children = ProcessTable.Descendants(_dev.Id);
        if (!_dev.HasExited)
        {
            _dev.Signal(2);
            await Task.WhenAny(_dev.Exited, Task.Delay(TimeSpan.FromSeconds(30)));
        }
        _dev.Dispose();
        foreach (var pid in children.Where(ProcessTable.IsAlive))
        {
            using var left = System.Diagnostics.Process.GetProcessById(pid);
            left.Kill(entireProcessTree: true);
        }
    }
}
