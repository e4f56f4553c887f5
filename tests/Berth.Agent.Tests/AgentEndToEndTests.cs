using System.Text;
using System.Text.Json;
using Berth.Server.Hosting;
using Berth.Server.Reconciliation;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Tests;

/// <summary>
/// A real server on 127.0.0.1 (free port, temporary data directory) and an in-process <see cref="AgentLoop"/>: a
/// workload applied through the API runs as processes on the agent and stops when deleted.
/// </summary>
public sealed class AgentEndToEndTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-agent-e2e-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private ServerHost? _host;
    private AgentLoop? _agent;
    private Task? _agentRun;

    private const string Manifest = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: sleeper}
        spec:
          replicas: 2
          containers:
            - name: main
              command: [sleep, "30"]
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
                AssignmentResendInterval = TimeSpan.FromMilliseconds(200),
                // A short Running/Missing grace and a fast sweep: every test here also shows that the heartbeat
                // inventories of a healthy agent never get a replica released.
                Reconciler = new ReconcilerOptions { Interval = TimeSpan.FromMilliseconds(200), MissingGrace = TimeSpan.FromSeconds(1) },
            },
            logging => logging.ClearProviders());
        _agent = new AgentLoop(new AgentOptions
        {
            Server = _host.Address,
            NodeName = "agent-e2e",
            CapacityOverride = new Dictionary<string, string> { ["cpu"] = "4", ["memory"] = "8Gi" },
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            PollInterval = TimeSpan.FromMilliseconds(200),
        });
        _agentRun = _agent.RunAsync(_stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_agentRun is not null)
        {
            await _agentRun.WaitAsync(TimeSpan.FromSeconds(15));
        }
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }
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

    private async Task<string[]> AssignmentStatesAsync()
    {
        var text = await _http.GetStringAsync(new Uri(_host!.Address, "v1/assignments"));
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.EnumerateArray().Select(a => a.GetProperty("assignment").GetProperty("state").GetString()!).ToArray();
    }

    [Fact]
    public async Task AgentLoop_WorkloadAppliedThenDeleted_RunsThenStopsItsProcesses()
    {
        await Eventually.WaitAsync(() => _agent!.Registered, "the agent to register");

        using (var apply = await _http.PostAsync(new Uri(_host!.Address, "v1/apply"), new StringContent(Manifest, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
        }

        await Eventually.WaitAsync(async () => (await AssignmentStatesAsync()) is ["Running", "Running"], "both assignments to be Running");
        var replicas = _agent!.Supervisor.Snapshot();
        Assert.Equal(2, replicas.Count);
        var pids = replicas.SelectMany(r => r.ProcessIds).ToArray();
        Assert.Equal(2, pids.Length);
        Assert.All(pids, pid => Assert.True(Eventually.IsAlive(pid), $"process {pid} should run"));
        Assert.Equal(2, _agent.Supervisor.Starts);
        Assert.Equal(_host.GrpcAddress, _agent.GrpcAddress);

        // The server re-sends the same set every 200 ms: repeated desired state starts no second copy.
        int sets = _agent.AssignmentSetsReceived;
        await Eventually.WaitAsync(() => _agent.AssignmentSetsReceived >= sets + 5, "five more assignment sets");
        Assert.Equal(2, _agent.Supervisor.Starts);
        Assert.All(pids, pid => Assert.True(Eventually.IsAlive(pid), $"process {pid} should still run"));

        using (var delete = await _http.DeleteAsync(new Uri(_host.Address, "v1/workloads/default/sleeper")))
        {
            Assert.True(delete.IsSuccessStatusCode, await delete.Content.ReadAsStringAsync());
        }

        await Eventually.WaitAsync(() => _agent.Supervisor.Snapshot().Count == 0 && pids.All(pid => !Eventually.IsAlive(pid)), "the processes to stop");
        Assert.Empty(await AssignmentStatesAsync());
        Assert.Equal(2, _agent.Supervisor.Starts);
    }

    [Fact]
    public async Task AgentLoop_ServerRestarts_RejoinsAndStartsNothingTwice()
    {
        using (var apply = await _http.PostAsync(new Uri(_host!.Address, "v1/apply"), new StringContent(Manifest, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
        }
        await Eventually.WaitAsync(async () => (await AssignmentStatesAsync()) is ["Running", "Running"], "both assignments to be Running");
        var pids = _agent!.Supervisor.Snapshot().SelectMany(r => r.ProcessIds).ToArray();

        // Same REST address and data directory (what the agent was told), a new free gRPC port it must find at /v1/info.
        var listen = $"127.0.0.1:{_host.Address.Port}";
        await _host.DisposeAsync();
        _host = null;
        _host = await ServerHost.StartAsync(
            new ServerOptions { Listen = listen, GrpcListen = "127.0.0.1:0", DataDirectory = _data, LoopInterval = TimeSpan.FromMilliseconds(200), AssignmentResendInterval = TimeSpan.FromMilliseconds(200) },
            logging => logging.ClearProviders());
        await Eventually.WaitAsync(() => _agent.Registered && _agent.GrpcAddress == _host.GrpcAddress, "the agent to rejoin the new server");
        int sets = _agent.AssignmentSetsReceived;
        await Eventually.WaitAsync(() => _agent.AssignmentSetsReceived >= sets + 3, "assignment sets from the new server");

        Assert.Equal(["Running", "Running"], await AssignmentStatesAsync());
        Assert.Equal(2, _agent.Supervisor.Starts);
        Assert.All(pids, pid => Assert.True(Eventually.IsAlive(pid), $"process {pid} should still run"));
    }

    private async Task<string[]> EventsAsync(string type)
    {
        var text = await _http.GetStringAsync(new Uri(_host!.Address, "v1/events?after=0&limit=1000"));
        using var doc = JsonDocument.Parse(text);
        return [.. doc.RootElement.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == type)
            .Select(e => e.GetProperty("message").GetString()!)];
    }

    [Fact]
    public async Task AgentLoop_AgentRestartsWithAnEmptyInventory_RunsEachReplicaAgainOnce()
    {
        using (var apply = await _http.PostAsync(new Uri(_host!.Address, "v1/apply"), new StringContent(Manifest, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
        }
        await Eventually.WaitAsync(async () => (await AssignmentStatesAsync()) is ["Running", "Running"], "both assignments to be Running");
        var oldPids = _agent!.Supervisor.Snapshot().SelectMany(r => r.ProcessIds).ToArray();

        // The agent goes away and its children with it, without exit reports (a stop on purpose reports nothing): the
        // store still says Running. A fresh agent of the same node holds nothing.
        await _stop.CancelAsync();
        await _agentRun!.WaitAsync(Eventually.Limit);
        Assert.All(oldPids, pid => Assert.False(Eventually.IsAlive(pid), $"process {pid} should have stopped with its agent"));
        Assert.Equal(["Running", "Running"], await AssignmentStatesAsync());

        using var stop = new CancellationTokenSource();
        await using var fresh = new AgentLoop(new AgentOptions
        {
            Server = _host.Address,
            NodeName = "agent-e2e",
            CapacityOverride = new Dictionary<string, string> { ["cpu"] = "4", ["memory"] = "8Gi" },
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            PollInterval = TimeSpan.FromMilliseconds(200),
        });
        var run = fresh.RunAsync(stop.Token);
        try
        {
            // Running assignments it does not run: it starts each (idempotent by workload, replica and revision).
            await Eventually.WaitAsync(() => fresh.Supervisor.Snapshot() is { Count: 2 } copies && copies.All(c => c.Running), "the fresh agent to run both replicas");
            var newPids = fresh.Supervisor.Snapshot().SelectMany(r => r.ProcessIds).ToArray();

            // Many assignment sets and heartbeat inventories later (well past the 1 s grace): still one start each,
            // nothing released, both Running.
            int sets = fresh.AssignmentSetsReceived;
            await Eventually.WaitAsync(() => fresh.AssignmentSetsReceived >= sets + 15, "fifteen more assignment sets");
            Assert.Equal(2, fresh.Supervisor.Starts);
            Assert.Equal(["Running", "Running"], await AssignmentStatesAsync());
            Assert.Empty(await EventsAsync("ReplicaReleased"));
            Assert.All(newPids, pid => Assert.True(Eventually.IsAlive(pid), $"process {pid} should run"));
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(Eventually.Limit);
        }
    }

    [Fact]
    public async Task RunAsync_StoppedAtAnyPointOfJoining_EndsWithoutError()
    {
        // Stops land before, during and after /v1/info, Register and the stream's start; each must end the loop quietly.
        for (int after = 0; after <= 200; after += 5)
        {
            using var stop = new CancellationTokenSource();
            await using var agent = new AgentLoop(new AgentOptions
            {
                Server = _host!.Address,
                NodeName = $"short-{after}",
                CapacityOverride = new Dictionary<string, string> { ["cpu"] = "1", ["memory"] = "1Gi" },
            });
            var run = agent.RunAsync(stop.Token);
            stop.CancelAfter(after);

            await run.WaitAsync(Eventually.Limit);
        }
    }
}
