using System.Text;
using System.Text.Json;
using Berth.Agent.Simulation;
using Berth.Server.Hosting;
using Berth.Server.Reconciliation;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Tests;

/// <summary>
/// A real server on 127.0.0.1 (free port, temporary data directory) and 50 in-process <see cref="HollowNodes"/>: they
/// register Ready, acknowledge placed replicas as Running without processes, and empty their inventories on delete.
/// </summary>
public sealed class HollowNodesTests : IAsyncLifetime
{
    private const int Count = 50;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-hollow-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private ServerHost? _host;
    private HollowNodes? _nodes;
    private Task? _run;

    private const string Manifest = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: many}
        spec:
          replicas: 20
          containers:
            - name: main
              command: [does-not-exist-on-purpose]
              resources: {requests: {cpu: 100m, memory: 16Mi}}

        """;

    public async Task InitializeAsync()
    {
        _host = await ServerHost.StartAsync(
            new ServerOptions
            {
                Listen = "127.0.0.1:0",
                DataDirectory = _data,
                LoopInterval = TimeSpan.FromMilliseconds(200),
                AssignmentResendInterval = TimeSpan.FromMilliseconds(500),
                // A short Missing grace: a replica a hollow node acknowledged but left out of its inventory would be released.
                Reconciler = new ReconcilerOptions { Interval = TimeSpan.FromMilliseconds(200), MissingGrace = TimeSpan.FromSeconds(1) },
            },
            logging => logging.ClearProviders());
        _nodes = new HollowNodes(
            new AgentOptions
            {
                Server = _host.Address,
                NodeName = "sim",
                Labels = new Dictionary<string, string> { ["tier"] = "hollow" },
                CapacityOverride = new Dictionary<string, string> { ["cpu"] = "4", ["memory"] = "8Gi" },
                HeartbeatInterval = TimeSpan.FromMilliseconds(500),
                PollInterval = TimeSpan.FromMilliseconds(200),
            },
            Count,
            zones: 3);
        _run = _nodes.RunAsync(_stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(Eventually.Limit);
        }
        _nodes?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _http.Dispose();
        _stop.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        var text = await _http.GetStringAsync(new Uri(_host!.Address, path));
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private async Task<int> ReadyNodesAsync() =>
        (await GetAsync("v1/nodes")).EnumerateArray().Count(n => n.GetProperty("status").GetProperty("ready").GetBoolean());

    private async Task<string[]> AssignmentStatesAsync() =>
        [.. (await GetAsync("v1/assignments")).EnumerateArray().Select(a => a.GetProperty("assignment").GetProperty("state").GetString()!)];

    [Fact]
    public async Task RunAsync_FiftyNodes_RegisterReadyWithNamesLabelsAndZones()
    {
        await Eventually.WaitAsync(async () => _nodes!.RegisteredCount == Count && await ReadyNodesAsync() == Count, "50 Ready nodes");
        // Heartbeats keep them Ready: at 500 ms each, two more rounds.
        long beats = _nodes!.HeartbeatsSent;
        await Eventually.WaitAsync(() => _nodes.HeartbeatsSent >= beats + 2 * Count, "two more heartbeat rounds");
        Assert.Equal(Count, await ReadyNodesAsync());

        var nodes = (await GetAsync("v1/nodes")).EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"sim-{i:D4}").Order(), nodes.Keys.Order());
        var labels = nodes["sim-0004"].GetProperty("spec").GetProperty("labels");
        Assert.Equal("hollow", labels.GetProperty("tier").GetString());
        Assert.Equal("zone-b", labels.GetProperty(HollowNodes.ZoneLabel).GetString());
        Assert.Equal(17, nodes.Values.Count(n => n.GetProperty("spec").GetProperty("labels").GetProperty(HollowNodes.ZoneLabel).GetString() == "zone-a"));
    }

    [Fact]
    public async Task RunAsync_WorkloadAppliedThenDeleted_AllRunningThenInventoryEmpties()
    {
        await Eventually.WaitAsync(async () => await ReadyNodesAsync() == Count, "50 Ready nodes");
        using (var apply = await _http.PostAsync(new Uri(_host!.Address, "v1/apply"), new StringContent(Manifest, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
        }

        // The command does not exist: only a hollow node can call these replicas Running.
        await Eventually.WaitAsync(async () => await AssignmentStatesAsync() is { Length: 20 } states && states.All(s => s == "Running"), "20 Running replicas");
        await Eventually.WaitAsync(() => _nodes!.InventoryCount == 20, "20 replicas in the inventories");

        // Re-sent sets (every 500 ms) and inventories past the 1 s Missing grace: nothing reported twice or released.
        long reports = _nodes!.ReportsSent;
        long beats = _nodes.HeartbeatsSent;
        await Eventually.WaitAsync(() => _nodes.HeartbeatsSent >= beats + 4 * Count, "four more heartbeat rounds");
        Assert.Equal(reports, _nodes.ReportsSent);
        Assert.Equal(20, reports);
        Assert.All(await AssignmentStatesAsync(), s => Assert.Equal("Running", s));

        using (var delete = await _http.DeleteAsync(new Uri(_host.Address, "v1/workloads/default/many")))
        {
            Assert.True(delete.IsSuccessStatusCode, await delete.Content.ReadAsStringAsync());
        }
        await Eventually.WaitAsync(() => _nodes.InventoryCount == 0, "the inventories to empty");
        // The reconciler removes the records after the nodes drop the replicas, in its own pass.
        await Eventually.WaitAsync(async () => (await AssignmentStatesAsync()).Length == 0, "the assignments to be removed");
    }

    [Fact]
    public void Validate_WithoutCapacity_NamesCapacity()
    {
        var options = new AgentOptions { Server = new Uri("http://127.0.0.1:1"), NodeName = "sim" };

        var error = Assert.Throws<ArgumentException>(() => HollowNodes.Validate(options, 10, 0));

        Assert.Equal(AgentMessages.SimulateNeedsCapacity(10), error.Message);
        Assert.Contains("--capacity", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, "--simulate must be positive")]
    [InlineData(5, 27, "--simulate-zones must be between 0")]
    [InlineData(5, -1, "--simulate-zones must be between 0")]
    public void Validate_OutOfRange_NamesTheOption(int count, int zones, string expected)
    {
        var options = new AgentOptions { Server = new Uri("http://127.0.0.1:1"), NodeName = "sim", CapacityOverride = new Dictionary<string, string> { ["cpu"] = "1" } };

        var error = Assert.Throws<ArgumentException>(() => HollowNodes.Validate(options, count, zones));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeNames_MoreThanTenThousand_WidenTheNumber()
    {
        var options = new AgentOptions { Server = new Uri("http://127.0.0.1:1"), NodeName = "sim", CapacityOverride = new Dictionary<string, string> { ["cpu"] = "1" } };
        using var nodes = new HollowNodes(options, 12000);

        Assert.Equal("sim-00000", nodes.NodeNames[0]);
        Assert.Equal("sim-11999", nodes.NodeNames[^1]);
    }
}
