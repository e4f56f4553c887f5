using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Api;

/// <summary>The agent API (<c>/v1/agents/…</c>) over a real Kestrel on 127.0.0.1 with a free port and a temporary data directory.</summary>
public sealed class AgentApiTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-agent-api-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServerHost? _host;

    private const string Registration = """{"name":"node-a","labels":{"zone":"z1"},"allocatable":{"cpu":"4","memory":"8Gi","pods":"110"}}""";

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

    public async Task InitializeAsync() => _host = await ServerHost.StartAsync(
        new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = _data, LoopInterval = TimeSpan.FromMilliseconds(200) },
        logging => logging.ClearProviders());

    public async Task DisposeAsync()
    {
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

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null, string type = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(_host!.Address, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, type);
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string? body = null) => SendAsync(HttpMethod.Post, path, body);

    private static string Report(string state, int? exitCode = null, long? workloadRevision = null) =>
        JsonSerializer.Serialize(new { workload = "default/web", replica = 0, state, exitCode, logTail = "starting\nboom", workloadRevision });

    // Registers node-a, applies web and waits until its replica is assigned; returns the agent's view of it.
    private async Task<JsonElement> AssignedAsync()
    {
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("v1/agents/register", Registration)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "v1/apply", Manifest, "application/yaml")).Status);
        var deadline = DateTime.UtcNow + WaitLimit;
        while (true)
        {
            var (status, body) = await SendAsync(HttpMethod.Get, "v1/agents/node-a/assignments");
            Assert.Equal(HttpStatusCode.OK, status);
            if (body.GetProperty("assignments").GetArrayLength() == 1)
            {
                return body.GetProperty("assignments")[0];
            }
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the replica to be assigned");
            await Task.Delay(50);
        }
    }

    private async Task<string> StateAsync() =>
        (await SendAsync(HttpMethod.Get, "v1/agents/node-a/assignments")).Body.GetProperty("assignments")[0]
            .GetProperty("assignment").GetProperty("state").GetString()!;

    [Fact]
    public async Task Register_Registration_NodeIsListedReadyWithItsCapacity()
    {
        var (status, body) = await PostAsync("v1/agents/register", Registration);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("node-a", body.GetProperty("spec").GetProperty("name").GetString());
        var (_, nodes) = await SendAsync(HttpMethod.Get, "v1/nodes");
        var node = Assert.Single(nodes.EnumerateArray());
        Assert.Equal("8Gi", node.GetProperty("spec").GetProperty("allocatable").GetProperty("memory").GetString());
        Assert.Equal((HttpStatusCode.OK, "Recorded"), await HeartbeatAsync("node-a"));
    }

    private async Task<(HttpStatusCode, string?)> HeartbeatAsync(string node)
    {
        var (status, body) = await PostAsync($"v1/agents/{node}/heartbeat");
        return (status, body.TryGetProperty("outcome", out var outcome) ? outcome.GetString() : body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Heartbeat_UnknownNode_Returns404RegisterFirst()
    {
        Assert.Equal((HttpStatusCode.NotFound, AgentMessages.RegisterFirst("ghost")), await HeartbeatAsync("ghost"));
        var (status, body) = await SendAsync(HttpMethod.Get, "v1/agents/ghost/assignments");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(AgentMessages.RegisterFirst("ghost"), body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Register_MalformedBody_Returns400()
    {
        var (status, body) = await PostAsync("v1/agents/register", "{\"name\": 3}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("request body must be an AgentRegistration", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assignments_AssignedReplica_CarriesWorkloadSpecAndRevision()
    {
        var item = await AssignedAsync();

        Assert.Equal("Pending", item.GetProperty("assignment").GetProperty("state").GetString());
        Assert.Equal("default/web", item.GetProperty("assignment").GetProperty("workload").GetString());
        Assert.True(item.GetProperty("workloadRevision").GetInt64() > 0);
        var container = item.GetProperty("workload").GetProperty("containers")[0];
        Assert.Equal("sleep", container.GetProperty("command")[0].GetString());
        Assert.Equal("hello", container.GetProperty("env").GetProperty("GREETING").GetString());
    }

    [Fact]
    public async Task Status_RunningThenExited_TurnsRunningThenSchedulesRetry()
    {
        var item = await AssignedAsync();
        long revision = item.GetProperty("workloadRevision").GetInt64();

        var (status, running) = await PostAsync("v1/agents/node-a/status", Report("Running", workloadRevision: revision));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Running", running.GetProperty("outcome").GetString());
        Assert.Equal("Running", await StateAsync());
        Assert.Equal("AlreadyRunning", (await PostAsync("v1/agents/node-a/status", Report("Running", workloadRevision: revision))).Body.GetProperty("outcome").GetString());
        var (_, events) = await SendAsync(HttpMethod.Get, "v1/events?after=0&limit=1000");
        Assert.Contains(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "ReplicaRunning"
            && e.GetProperty("message").GetString() == AgentMessages.Running("default/web/0", "node-a"));

        var (exitStatus, exited) = await PostAsync("v1/agents/node-a/status", Report("Exited", exitCode: 3));
        Assert.Equal(HttpStatusCode.OK, exitStatus);
        // restartPolicy Always (the default): the failure backs off, then the retry engine re-arms it.
        Assert.Equal("RetryScheduled", exited.GetProperty("outcome").GetString());
        Assert.Equal("Failed", await StateAsync());
        Assert.Equal("AlreadyEnded", (await PostAsync("v1/agents/node-a/status", Report("Exited", exitCode: 3))).Body.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Status_RunningOfOtherRevision_IsStaleAndWritesNothing()
    {
        var item = await AssignedAsync();

        var (status, body) = await PostAsync("v1/agents/node-a/status", Report("Running", workloadRevision: item.GetProperty("workloadRevision").GetInt64() - 1));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Stale", body.GetProperty("outcome").GetString());
        Assert.Equal("Pending", await StateAsync());
    }

    [Fact]
    public async Task Status_ExitedWithoutExitCode_Returns400()
    {
        await AssignedAsync();

        var (status, body) = await PostAsync("v1/agents/node-a/status", Report("Exited"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(AgentMessages.ExitCodeRequired, body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Status_FromAnotherNode_IsWrongNodeAndWritesNothing()
    {
        await AssignedAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("v1/agents/register", Registration.Replace("node-a", "node-b", StringComparison.Ordinal))).Status);

        var running = await PostAsync("v1/agents/node-b/status", Report("Running"));
        var exited = await PostAsync("v1/agents/node-b/status", Report("Exited", exitCode: 1));

        Assert.Equal(AgentApi.WrongNodeOutcome, running.Body.GetProperty("outcome").GetString());
        Assert.Equal(AgentApi.WrongNodeOutcome, exited.Body.GetProperty("outcome").GetString());
        Assert.Equal("Pending", await StateAsync());
    }

    private async Task<List<JsonElement>> AssignmentsAsync()
    {
        var (_, body) = await SendAsync(HttpMethod.Get, "v1/agents/node-a/assignments");
        return [.. body.GetProperty("assignments").EnumerateArray().OrderBy(a => a.GetProperty("assignment").GetProperty("replica").GetInt32())];
    }

    private async Task<List<JsonElement>> WaitForAssignmentsAsync(Func<List<JsonElement>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (true)
        {
            var items = await AssignmentsAsync();
            if (condition(items))
            {
                return items;
            }
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Assignments_AfterAScaleOnlyReapply_KeepServingTheRevisionEachReplicaWasPlacedWith()
    {
        var item = await AssignedAsync();
        long first = item.GetProperty("workloadRevision").GetInt64();
        Assert.Equal("Running", (await PostAsync("v1/agents/node-a/status", Report("Running", workloadRevision: first))).Body.GetProperty("outcome").GetString());

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "v1/apply", Manifest.Replace("replicas: 1", "replicas: 2", StringComparison.Ordinal), "application/yaml")).Status);
        var items = await WaitForAssignmentsAsync(i => i.Count == 2, "the second replica");

        // Replica 0 keeps its revision, so its agent does not restart it; only the new replica runs the new revision.
        Assert.Equal(first, items[0].GetProperty("workloadRevision").GetInt64());
        Assert.Equal(1, items[0].GetProperty("workload").GetProperty("replicas").GetInt32());
        Assert.True(items[1].GetProperty("workloadRevision").GetInt64() > first);
        Assert.Equal("Running", items[0].GetProperty("assignment").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Assignments_AfterASpecChange_RunningReplicaIsReplacedWithTheNewSpec()
    {
        var item = await AssignedAsync();
        long first = item.GetProperty("workloadRevision").GetInt64();
        await PostAsync("v1/agents/node-a/status", Report("Running", workloadRevision: first));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "v1/apply", Manifest.Replace("GREETING: hello", "GREETING: bonjour", StringComparison.Ordinal), "application/yaml")).Status);
        var items = await WaitForAssignmentsAsync(i => i.Count == 1 && i[0].GetProperty("workloadRevision").GetInt64() > first, "the replacement");

        var container = items[0].GetProperty("workload").GetProperty("containers")[0];
        Assert.Equal("bonjour", container.GetProperty("env").GetProperty("GREETING").GetString());
        Assert.Equal("Pending", items[0].GetProperty("assignment").GetProperty("state").GetString());
        var (_, events) = await SendAsync(HttpMethod.Get, "v1/events?after=0&limit=1000");
        var types = events.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("RolloutStarted", types);
        Assert.Contains("ReplicaReplaced", types);
    }
}
