using System.Text;
using Berth.Cli.Commands.Dev;
using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Server.Fleet;
using Berth.Server.Hosting;
using Berth.Server.State;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests;

/// <summary>
/// The local fleet provider with real <c>berth agent</c> processes (this berth, as <c>berth server</c> starts them)
/// registering with an in-process server: a pool whose only cluster is full gets a new cluster whose agents start,
/// register with the fleet labels and run the replica that did not fit. Fleet placement is driven by hand here, as its
/// controller would: it asks <see cref="FleetClusters"/> for the new cluster when the pool's clusters are full.
/// </summary>
public sealed class FleetLocalProviderTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "berth-fleet-local-" + Guid.NewGuid().ToString("N"));
    private ServerHost? _host;

    public async Task InitializeAsync() =>
        _host = await ServerHost.StartAsync(
            new ServerOptions
            {
                Listen = "127.0.0.1:0",
                DataDirectory = Path.Combine(_dir, "data"),
                LoopInterval = TimeSpan.FromMilliseconds(200),
                AgentCommand = BerthExecutable.Current().AgentCommandLine(),
            },
            logging => logging.ClearProviders());

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private static PoolSpec Pool() =>
        new("us-east", "us-east-1", new PoolProvider(FleetProviderTypes.Local, new Dictionary<string, string>()), PoolCapacity.Unlimited, null,
            ["small"], new Dictionary<string, string>(), []);

    // One core per node, so one replica asking for a core fills a node.
    private static NodeClassSpec Small() =>
        new("small", new NodeClassResources(1, 1, 10, 0), new Dictionary<string, IReadOnlyDictionary<string, string>>(), new Dictionary<string, decimal>());

    private static string Manifest(string name) => $$"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: {{name}}}
        spec:
          replicas: 1
          nodeSelector: {berth.dev/pool: us-east}
          containers:
            - name: main
              command: [sleep, "300"]
              resources:
                requests: {cpu: "1", memory: 64Mi}

        """;

    [Fact]
    public async Task CreateAsync_PoolFull_LocalProviderStartsNewClustersAgentsWhichRunTheReplica()
    {
        var host = _host!;
        var local = Assert.IsType<LocalClusterProvider>(host.FleetClusters.Provider(FleetProviderTypes.Local));
        var pids = new List<int>();
        try
        {
            var first = await host.FleetClusters.CreateAsync(Pool(), Small(), 1);
            pids.AddRange(local.ProcessIds.Values);
            await WaitAsync(async () => (await Node(first.Nodes[0]))?.Status.Ready == true, $"agent {first.Nodes[0]} registered");
            await ApplyAsync(Manifest("fill"));
            await WaitAsync(async () => (await Replica("fill")) is { State: AssignmentState.Running }, "fill Running on the first cluster");

            await ApplyAsync(Manifest("more"));
            // The pool's only cluster is full: `more` is unschedulable, and the controller's part, a new cluster, comes next.
            await WaitAsync(async () => await host.Store.GetAsync(KeyLayout.Unschedulable(new WorkloadKey("default", "more"), 0)) is not null, "more unschedulable");
            Assert.Null(await Replica("more"));
            var second = await host.FleetClusters.CreateAsync(Pool(), Small(), 1);
            pids.AddRange(local.ProcessIds.Values.Except(pids));

            var node = second.Nodes[0];
            await WaitAsync(async () => (await Replica("more")) is { State: AssignmentState.Running } a && a.Node == node, $"more Running on {node}");
            var record = (await Node(node))!;
            Assert.Equal(second.Name, record.Spec.Labels[FleetLabels.Cluster]);
            Assert.Equal("us-east", record.Spec.Labels[FleetLabels.Pool]);
            Assert.Equal("us-east-1", record.Spec.Labels[FleetLabels.Region]);
            Assert.Equal("small", record.Spec.Labels[FleetLabels.NodeClass]);
            Assert.Equal("1", record.Spec.Allocatable["cpu"].ToString());
            Assert.Equal(2, local.ProcessIds.Count);
            Assert.Equal((await Replica("fill"))!.Node, first.Nodes[0]);
        }
        finally
        {
            await host.DisposeAsync();
        }
        // The host's disposal stopped every agent it started (and the replicas under them).
        Assert.Equal(2, pids.Count);
        Assert.All(pids, pid => Assert.False(IsAlive(pid), $"agent pid {pid} still running"));
    }

    private async Task ApplyAsync(string manifest)
    {
        using var http = new HttpClient();
        using var content = new StringContent(manifest, Encoding.UTF8, "application/yaml");
        using var response = await http.PostAsync(new Uri(_host!.Address, "v1/apply"), content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<NodeRecord?> Node(string name) =>
        await _host!.Store.GetAsync(KeyLayout.Node(name)) is { } kv ? StateSerializer.Read<NodeRecord>(kv) : null;

    private async Task<Assignment?> Replica(string workload) =>
        await _host!.Store.GetAsync(KeyLayout.Assignment(new WorkloadKey("default", workload), 0)) is { } kv ? StateSerializer.Read<Assignment>(kv) : null;

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {Limit.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(100);
        }
    }

    // A dead child that was reaped has no /proc entry; an unreaped one is a zombie (state Z), which is not running.
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
