using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Protocol.Agent.V1;
using Berth.Server.Agents;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Agents;

/// <summary>
/// The agent protocol (proto/agent.proto) over a real Kestrel on 127.0.0.1 (free REST and gRPC ports, temporary data
/// directory), called with the generated client.
/// </summary>
public sealed class AgentGrpcServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-agent-grpc-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServerHost? _host;
    private GrpcChannel? _channel;
    private AgentService.AgentServiceClient? _client;

    private const string Manifest = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: web}
        spec:
          replicas: 1
          containers:
            - name: main
              command: [sleep, "60"]
              env: {GREETING: hello}
              resources: {requests: {cpu: 500m, memory: 64Mi}}

        """;

    private AgentService.AgentServiceClient Client => _client ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _host = await ServerHost.StartAsync(
            new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = _data, LoopInterval = TimeSpan.FromMilliseconds(200), AssignmentResendInterval = TimeSpan.FromMilliseconds(300) },
            logging => logging.ClearProviders());
        _channel = GrpcChannel.ForAddress(_host.GrpcAddress);
        _client = new AgentService.AgentServiceClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        _http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private static RegisterRequest Registration(string name = "node-a")
    {
        var request = new RegisterRequest { Name = name };
        request.Labels.Add("zone", "z1");
        request.Allocatable.Add(new Dictionary<string, string> { ["cpu"] = "4", ["memory"] = "8Gi", ["pods"] = "110" });
        return request;
    }

    private static StatusReport Report(string node, ReplicaState state, int? exitCode = null, long? workloadRevision = null)
    {
        var report = new StatusReport { Node = node, Workload = "default/web", Replica = 0, State = state, LogTail = "starting\nboom" };
        if (exitCode is { } code)
        {
            report.ExitCode = code;
        }
        if (workloadRevision is { } revision)
        {
            report.WorkloadRevision = revision;
        }
        return report;
    }

    private async Task<string> GetAsync(string path) => await _http.GetStringAsync(new Uri(_host!.Address, path));

    // Registers node-a, applies web and reads assignment sets from the stream until its replica is in one.
    private async Task<ReplicaAssignment> AssignedAsync()
    {
        await Client.RegisterAsync(Registration());
        using (var apply = await _http.PostAsync(new Uri(_host!.Address, "v1/apply"), new StringContent(Manifest, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
        }
        return (await NextSetAsync(set => set.Assignments.Count == 1)).Assignments[0];
    }

    private async Task<AssignmentSet> NextSetAsync(Func<AssignmentSet, bool> wanted, string node = "node-a")
    {
        using var deadline = new CancellationTokenSource(WaitLimit);
        using var call = Client.WatchAssignments(new WatchAssignmentsRequest { Node = node }, cancellationToken: deadline.Token);
        await foreach (var set in call.ResponseStream.ReadAllAsync(deadline.Token))
        {
            if (wanted(set))
            {
                return set;
            }
        }
        throw new InvalidOperationException("the stream ended");
    }

    private async Task<string> StateAsync() => (await NextSetAsync(_ => true)).Assignments[0].State;

    [Fact]
    public async Task Register_Registration_NodeIsListedReadyWithItsCapacity()
    {
        var answer = await Client.RegisterAsync(Registration());

        Assert.Equal("node-a", answer.Name);
        using var nodes = JsonDocument.Parse(await GetAsync("v1/nodes"));
        var node = Assert.Single(nodes.RootElement.EnumerateArray());
        Assert.Equal("8Gi", node.GetProperty("spec").GetProperty("allocatable").GetProperty("memory").GetString());
        Assert.Equal("Recorded", (await Client.HeartbeatAsync(new HeartbeatRequest { Node = "node-a" })).Outcome);
    }

    [Fact]
    public async Task Heartbeat_UnknownNode_IsNotFoundRegisterFirst()
    {
        var heartbeat = await Assert.ThrowsAsync<RpcException>(async () => await Client.HeartbeatAsync(new HeartbeatRequest { Node = "ghost" }));
        var watch = await Assert.ThrowsAsync<RpcException>(() => NextSetAsync(_ => true, "ghost"));

        Assert.Equal((StatusCode.NotFound, AgentMessages.RegisterFirst("ghost")), (heartbeat.StatusCode, heartbeat.Status.Detail));
        Assert.Equal((StatusCode.NotFound, AgentMessages.RegisterFirst("ghost")), (watch.StatusCode, watch.Status.Detail));
    }

    [Fact]
    public async Task Register_AllocatableNotAQuantity_IsInvalidArgumentAndWritesNothing()
    {
        var request = Registration();
        request.Allocatable["memory"] = "lots";

        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.RegisterAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("allocatable memory=lots is not a quantity", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("[]", await GetAsync("v1/nodes"));
    }

    [Fact]
    public async Task WatchAssignments_AssignedReplica_CarriesContainersAndRevision()
    {
        var item = await AssignedAsync();

        Assert.Equal("Pending", item.State);
        Assert.Equal("default/web", item.Workload);
        Assert.True(item.WorkloadRevision > 0);
        var container = Assert.Single(item.Containers);
        Assert.Equal("sleep", container.Command[0]);
        Assert.Equal("hello", container.Env["GREETING"]);
    }

    [Fact]
    public async Task WatchAssignments_WorkloadDeleted_SendsTheSetWithoutIt()
    {
        await AssignedAsync();
        using var deadline = new CancellationTokenSource(WaitLimit);
        using var call = Client.WatchAssignments(new WatchAssignmentsRequest { Node = "node-a" }, cancellationToken: deadline.Token);
        Assert.True(await call.ResponseStream.MoveNext(deadline.Token));
        Assert.Single(call.ResponseStream.Current.Assignments);

        using (var delete = await _http.DeleteAsync(new Uri(_host!.Address, "v1/workloads/default/web")))
        {
            Assert.True(delete.IsSuccessStatusCode);
        }

        Assert.True(await call.ResponseStream.MoveNext(deadline.Token));
        Assert.Empty(call.ResponseStream.Current.Assignments);
    }

    [Fact]
    public async Task WatchAssignments_NothingChanges_ResendsTheSetPeriodically()
    {
        await Client.RegisterAsync(Registration());
        using var deadline = new CancellationTokenSource(WaitLimit);
        using var call = Client.WatchAssignments(new WatchAssignmentsRequest { Node = "node-a" }, cancellationToken: deadline.Token);

        // Three sets with nothing applied: the first at once, the others from the resend interval (300 ms here).
        for (int i = 0; i < 3; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(deadline.Token));
            Assert.Empty(call.ResponseStream.Current.Assignments);
        }
    }

    [Fact]
    public async Task ReportStatus_RunningThenExited_TurnsRunningThenSchedulesRetry()
    {
        var item = await AssignedAsync();

        var running = await Client.ReportStatusAsync(Report("node-a", ReplicaState.Running, workloadRevision: item.WorkloadRevision));
        Assert.Equal("Running", running.Outcome);
        Assert.Equal("Running", await StateAsync());
        Assert.Equal("AlreadyRunning", (await Client.ReportStatusAsync(Report("node-a", ReplicaState.Running, workloadRevision: item.WorkloadRevision))).Outcome);
        using (var events = JsonDocument.Parse(await GetAsync("v1/events?after=0&limit=1000")))
        {
            Assert.Contains(events.RootElement.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "ReplicaRunning"
                && e.GetProperty("message").GetString() == AgentMessages.Running("default/web/0", "node-a"));
        }

        var exited = await Client.ReportStatusAsync(Report("node-a", ReplicaState.Exited, exitCode: 3));
        // restartPolicy Always (the default): the failure backs off, then the retry engine re-arms it.
        Assert.Equal("RetryScheduled", exited.Outcome);
        Assert.Equal("Failed", await StateAsync());
        Assert.Equal("AlreadyEnded", (await Client.ReportStatusAsync(Report("node-a", ReplicaState.Exited, exitCode: 3))).Outcome);
    }

    [Fact]
    public async Task ReportStatus_RunningOfOtherRevision_IsStaleAndWritesNothing()
    {
        var item = await AssignedAsync();

        var answer = await Client.ReportStatusAsync(Report("node-a", ReplicaState.Running, workloadRevision: item.WorkloadRevision - 1));

        Assert.Equal("Stale", answer.Outcome);
        Assert.Equal("Pending", await StateAsync());
    }

    [Fact]
    public async Task ReportStatus_ExitedWithoutExitCode_IsInvalidArgument()
    {
        await AssignedAsync();

        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.ReportStatusAsync(Report("node-a", ReplicaState.Exited)));

        Assert.Equal((StatusCode.InvalidArgument, AgentMessages.ExitCodeRequired), (e.StatusCode, e.Status.Detail));
        Assert.Equal("Pending", await StateAsync());
    }

    [Fact]
    public async Task ReportStatus_FromAnotherNode_IsWrongNodeAndWritesNothing()
    {
        await AssignedAsync();
        await Client.RegisterAsync(Registration("node-b"));

        var running = await Client.ReportStatusAsync(Report("node-b", ReplicaState.Running));
        var exited = await Client.ReportStatusAsync(Report("node-b", ReplicaState.Exited, exitCode: 1));

        Assert.Equal(AgentOperations.WrongNodeOutcome, running.Outcome);
        Assert.Equal(AgentOperations.WrongNodeOutcome, exited.Outcome);
        Assert.Equal("Pending", await StateAsync());
    }

    [Fact]
    public async Task PushLogs_Lines_AreServedByTheLogsEndpointWithTail()
    {
        await AssignedAsync();
        var batch = new LogBatch { Node = "node-a" };
        var lines = new ReplicaLines { Workload = "default/web", Replica = 0 };
        lines.Lines.Add(["one", "two", "three"]);
        batch.Replicas.Add(lines);

        Assert.Equal(3, (await Client.PushLogsAsync(batch)).Accepted);

        using var all = JsonDocument.Parse(await GetAsync("v1/workloads/default/web/replicas/0/logs"));
        Assert.Equal(["one", "two", "three"], all.RootElement.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!));
        using var last = JsonDocument.Parse(await GetAsync("v1/workloads/default/web/replicas/0/logs?tail=1"));
        Assert.Equal(["three"], last.RootElement.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!));
    }

    [Fact]
    public async Task PushLogs_UnknownNodeOrBadWorkload_IsRefusedAndKeepsNothing()
    {
        await AssignedAsync();
        var batch = new LogBatch { Node = "ghost" };
        var lines = new ReplicaLines { Workload = "default/web", Replica = 0 };
        lines.Lines.Add("x");
        batch.Replicas.Add(lines);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await Client.PushLogsAsync(batch));
        batch.Node = "node-a";
        batch.Replicas.Add(new ReplicaLines { Workload = "not a workload", Replica = 0 });
        var malformed = await Assert.ThrowsAsync<RpcException>(async () => await Client.PushLogsAsync(batch));

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Empty(_host!.Logs.Tail(new Berth.Server.State.WorkloadKey("default", "web"), 0, 10));
    }

    [Fact]
    public async Task Info_Always_NamesTheGrpcAddress()
    {
        using var info = JsonDocument.Parse(await GetAsync("v1/info"));

        Assert.Equal(_host!.GrpcAddress.ToString(), info.RootElement.GetProperty("grpcAddress").GetString());
        Assert.NotEqual(_host.Address.Port, _host.GrpcAddress.Port);
        Assert.False(string.IsNullOrEmpty(info.RootElement.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Logs_UnknownWorkload_Returns404()
    {
        using var response = await _http.GetAsync(new Uri(_host!.Address, "v1/workloads/default/nope/replicas/0/logs"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task ApplyAsync(string manifest)
    {
        using var apply = await _http.PostAsync(new Uri(_host!.Address, "v1/apply"), new StringContent(manifest, Encoding.UTF8, "application/yaml"));
        Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WatchAssignments_AfterAScaleOnlyReapply_KeepsTheRevisionEachReplicaWasPlacedWith()
    {
        var item = await AssignedAsync();
        long first = item.WorkloadRevision;
        Assert.Equal("Running", (await Client.ReportStatusAsync(Report("node-a", ReplicaState.Running, workloadRevision: first))).Outcome);

        await ApplyAsync(Manifest.Replace("replicas: 1", "replicas: 2", StringComparison.Ordinal));
        var set = await NextSetAsync(s => s.Assignments.Count == 2);

        // Replica 0 keeps its revision, so its agent does not restart it; only the new replica runs the new revision.
        var items = set.Assignments.OrderBy(a => a.Replica).ToList();
        Assert.Equal((first, "Running"), (items[0].WorkloadRevision, items[0].State));
        Assert.True(items[1].WorkloadRevision > first);
    }

    [Fact]
    public async Task WatchAssignments_AfterASpecChange_RunningReplicaIsReplacedWithTheNewSpec()
    {
        var item = await AssignedAsync();
        long first = item.WorkloadRevision;
        await Client.ReportStatusAsync(Report("node-a", ReplicaState.Running, workloadRevision: first));

        await ApplyAsync(Manifest.Replace("GREETING: hello", "GREETING: bonjour", StringComparison.Ordinal));
        var set = await NextSetAsync(s => s.Assignments.Count == 1 && s.Assignments[0].WorkloadRevision > first);

        Assert.Equal("bonjour", set.Assignments[0].Containers[0].Env["GREETING"]);
        Assert.Equal("Pending", set.Assignments[0].State);
        using var events = JsonDocument.Parse(await GetAsync("v1/events?after=0&limit=1000"));
        var types = events.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("RolloutStarted", types);
        Assert.Contains("ReplicaReplaced", types);
    }
}
