using System.Text;
using System.Text.Json;
using Berth.Agent.Simulation;
using Berth.Protocol.Agent.V1;
using Berth.Server.Hosting;
using Berth.Server.Reconciliation;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Tests;

/// <summary>
/// Agents with several servers: two real servers on 127.0.0.1 (free ports, each its own temporary store) and an
/// in-process <see cref="AgentLoop"/> or <see cref="HollowNodes"/> given both addresses.
/// </summary>
public sealed class AgentFailoverTests : IAsyncLifetime
{
    private readonly List<string> _data = [];
    private readonly List<ServerHost> _hosts = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();

    private const string Manifest = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: sleeper}
        spec:
          replicas: 1
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {requests: {cpu: 100m, memory: 16Mi}}

        """;

    private static readonly Dictionary<string, string> Capacity = new() { ["cpu"] = "4", ["memory"] = "8Gi" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
        _http.Dispose();
        _stop.Dispose();
        foreach (var data in _data.Where(Directory.Exists))
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private async Task<ServerHost> StartServerAsync()
    {
        var data = Path.Combine(Path.GetTempPath(), "berth-failover-" + Guid.NewGuid().ToString("N"));
        _data.Add(data);
        var host = await ServerHost.StartAsync(
            new ServerOptions
            {
                Listen = "127.0.0.1:0",
                GrpcListen = "127.0.0.1:0",
                DataDirectory = data,
                LoopInterval = TimeSpan.FromMilliseconds(200),
                AssignmentResendInterval = TimeSpan.FromMilliseconds(500),
                Reconciler = new ReconcilerOptions { Interval = TimeSpan.FromMilliseconds(200), MissingGrace = TimeSpan.FromSeconds(1) },
            },
            logging => logging.ClearProviders());
        _hosts.Add(host);
        return host;
    }

    // A loopback address nothing listens on: a port that was free a moment ago.
    private static Uri DeadAddress()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private static AgentOptions Options(params Uri[] servers) => new()
    {
        Servers = servers,
        NodeName = "failover",
        CapacityOverride = Capacity,
        HeartbeatInterval = TimeSpan.FromMilliseconds(300),
        PollInterval = TimeSpan.FromMilliseconds(200),
    };

    private async Task<JsonElement> GetAsync(ServerHost host, string path)
    {
        var text = await _http.GetStringAsync(new Uri(host.Address, path));
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private async Task<string[]> NodeNamesAsync(ServerHost host) =>
        [.. (await GetAsync(host, "v1/nodes")).EnumerateArray().Select(n => n.GetProperty("name").GetString()!)];

    // The replica's assignment on host: (node, state, workload revision), or null while there is none.
    private async Task<(string Node, string State, long WorkloadRevision)?> AssignmentAsync(ServerHost host)
    {
        foreach (var item in (await GetAsync(host, "v1/assignments")).EnumerateArray())
        {
            var assignment = item.GetProperty("assignment");
            return (assignment.GetProperty("node").GetString()!, assignment.GetProperty("state").GetString()!, assignment.GetProperty("workloadRevision").GetInt64());
        }
        return null;
    }

    private async Task ApplyAsync(ServerHost host)
    {
        using var apply = await _http.PostAsync(new Uri(host.Address, "v1/apply"), new StringContent(Manifest, Encoding.UTF8, "application/yaml"));
        Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RunAsync_FirstServerDead_RegistersWithSecond()
    {
        var second = await StartServerAsync();
        await using var agent = new AgentLoop(Options(DeadAddress(), second.Address));

        var run = agent.RunAsync(_stop.Token);

        await Eventually.WaitAsync(() => agent.Registered, "the agent to register");
        Assert.Equal(second.Address, agent.Server);
        Assert.Equal(second.GrpcAddress, agent.GrpcAddress);
        Assert.Equal(["failover"], await NodeNamesAsync(second));
        await _stop.CancelAsync();
        await run.WaitAsync(Eventually.Limit);
    }

    [Fact]
    public async Task ProbeServerAsync_OneOfTwoAnswers_IsEnough()
    {
        var second = await StartServerAsync();
        var dead = DeadAddress();
        await using var agent = new AgentLoop(Options(dead, second.Address));
        await using var lonely = new AgentLoop(Options(dead, DeadAddress()));

        Assert.Null(await agent.ProbeServerAsync(CancellationToken.None));
        Assert.Equal(second.GrpcAddress, agent.GrpcAddress);
        var error = await lonely.ProbeServerAsync(CancellationToken.None);
        Assert.NotNull(error);
        Assert.Contains(dead.ToString(), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ServerStops_MovesToTheOtherAndKeepsItsReplicaProcess()
    {
        var first = await StartServerAsync();
        var second = await StartServerAsync();
        // Each server has its own store here, so each is given the same desired state, as one shared store would hold
        // it: the same workload applied first to both fresh stores has the same revision in both.
        await ApplyAsync(first);
        await ApplyAsync(second);
        await using var agent = new AgentLoop(Options(first.Address, second.Address));
        var run = agent.RunAsync(_stop.Token);

        await Eventually.WaitAsync(async () => await AssignmentAsync(first) is { State: "Running" }, "the replica to run on the first server");
        Assert.Equal(first.Address, agent.Server);
        var copy = Assert.Single(agent.Supervisor.Snapshot());
        int pid = Assert.Single(copy.ProcessIds);
        Assert.True(Eventually.IsAlive(pid), $"process {pid} should run");

        // The second server learns the node and places the replica there too (a shared store would already hold both).
        using (var channel = AgentLoop.OpenChannel(second.GrpcAddress))
        {
            var registration = new RegisterRequest { Name = "failover" };
            registration.Allocatable.Add(new Dictionary<string, string>(agent.Capacity));
            await new AgentService.AgentServiceClient(channel).RegisterAsync(registration);
        }
        await Eventually.WaitAsync(async () => await AssignmentAsync(second) is { Node: "failover" }, "the second server to place the replica");
        Assert.Equal((await AssignmentAsync(first))!.Value.WorkloadRevision, (await AssignmentAsync(second))!.Value.WorkloadRevision);

        await first.StopAsync();

        await Eventually.WaitAsync(
            async () => agent.Registered && agent.Server == second.Address && await AssignmentAsync(second) is { State: "Running" },
            "the agent to move to the second server and report its replica Running there");
        Assert.Equal(second.GrpcAddress, agent.GrpcAddress);
        Assert.True(Eventually.IsAlive(pid), $"process {pid} should still run after the failover");
        Assert.Equal(pid, Assert.Single(Assert.Single(agent.Supervisor.Snapshot()).ProcessIds));
        Assert.Equal(1, agent.Supervisor.Starts);

        await _stop.CancelAsync();
        await run.WaitAsync(Eventually.Limit);
        Assert.False(Eventually.IsAlive(pid), $"process {pid} should stop with the agent");
    }

    [Fact]
    public async Task HollowNodes_FirstServerDeadThenSecondStops_EachNodeMovesOn()
    {
        var second = await StartServerAsync();
        var third = await StartServerAsync();
        using var nodes = new HollowNodes(Options(DeadAddress(), second.Address, third.Address) with { NodeName = "hollow" }, 5);
        var run = nodes.RunAsync(_stop.Token);

        await Eventually.WaitAsync(() => nodes.RegisteredWith(second.Address) == 5, "5 nodes to register with the second server");
        Assert.Equal(5, (await NodeNamesAsync(second)).Length);

        await second.StopAsync();

        await Eventually.WaitAsync(() => nodes.RegisteredWith(third.Address) == 5, "5 nodes to move to the third server");
        Assert.Equal(5, (await NodeNamesAsync(third)).Length);
        long beats = nodes.HeartbeatsSent;
        await Eventually.WaitAsync(() => nodes.HeartbeatsSent >= beats + 10, "heartbeats to reach the third server");
        await _stop.CancelAsync();
        await run.WaitAsync(Eventually.Limit);
    }

    [Fact]
    public async Task HollowNodes_ServerStops_TheNextServerLearnsTheHeldReplicaRunning()
    {
        var first = await StartServerAsync();
        var second = await StartServerAsync();
        await ApplyAsync(first);
        await ApplyAsync(second);
        using var nodes = new HollowNodes(Options(first.Address, second.Address) with { NodeName = "hollow" }, 1);
        var run = nodes.RunAsync(_stop.Token);
        await Eventually.WaitAsync(async () => await AssignmentAsync(first) is { State: "Running" } && nodes.InventoryCount == 1, "the replica to be held on the first server");
        using (var channel = AgentLoop.OpenChannel(second.GrpcAddress))
        {
            var registration = new RegisterRequest { Name = "hollow-0000" };
            registration.Allocatable.Add(new Dictionary<string, string>(nodes.Capacity));
            await new AgentService.AgentServiceClient(channel).RegisterAsync(registration);
        }
        await Eventually.WaitAsync(async () => await AssignmentAsync(second) is { Node: "hollow-0000", State: "Pending" }, "the second server to place the replica");
        long reports = nodes.ReportsSent;

        await first.StopAsync();

        await Eventually.WaitAsync(
            // The report counts once its answer is back, which may be after the store already shows Running.
            async () => nodes.RegisteredWith(second.Address) == 1 && await AssignmentAsync(second) is { State: "Running" } && nodes.ReportsSent > reports,
            "the node to move to the second server and report its replica Running there");
        Assert.Equal(1, nodes.InventoryCount);
        Assert.Equal(reports + 1, nodes.ReportsSent);
        await _stop.CancelAsync();
        await run.WaitAsync(Eventually.Limit);
    }
}
