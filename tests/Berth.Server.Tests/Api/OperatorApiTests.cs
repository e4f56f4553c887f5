using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Server.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Api;

/// <summary>The operator verbs (scale, stop, start, cordon, uncordon, drain, plan) over a real Kestrel on 127.0.0.1:0.</summary>
public sealed class OperatorApiTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-ops-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServerHost? _host;

    private ServerHost Host => _host ?? throw new InvalidOperationException("host not started");

    private static string Manifest(string name, string replicas = "1", string cpu = "500m") => $$$"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: {{{name}}}}
        spec:
          replicas: {{{replicas}}}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {requests: {cpu: {{{cpu}}}, memory: 64Mi}}

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

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null, string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(Host.Address, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string? body = null, string mediaType = "application/json") =>
        SendAsync(HttpMethod.Post, path, body, mediaType);

    private Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    private async Task ApplyAsync(string manifest) =>
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("v1/apply", manifest, "application/yaml")).Status);

    /// <summary>
    /// Applies with no node registered and waits for the placer's one unschedulable summary per replica, after which it
    /// writes nothing more: tests that check "nothing was written" then see only their own request.
    /// </summary>
    private async Task ApplyUnplacedAsync(string manifest, string workload, int replicas)
    {
        await ApplyAsync(manifest);
        await WaitForAsync(() => EventsAsync("WorkloadUnschedulable"),
            e => e.Count(x => x.GetProperty("subject").GetString()!.StartsWith($"default/{workload}/", StringComparison.Ordinal)) == replicas,
            $"{replicas} unschedulable summaries of {workload}");
    }

    private Task<long> StoreRevisionAsync() => RequestWrites.RevisionAsync(Host.Store);

    private static Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what) => RunningServer.WaitForAsync(read, done, what);

    private async Task<JsonElement[]> AssignmentsAsync() =>
        [.. (await GetAsync("v1/assignments")).Body.EnumerateArray().Select(a => a.GetProperty("assignment"))];

    private Task<JsonElement[]> WaitForAssignmentsAsync(Func<JsonElement[], bool> done, string what) => WaitForAsync(AssignmentsAsync, done, what);

    private async Task<JsonElement[]> EventsAsync(string type) =>
        [.. (await GetAsync("v1/events?limit=1000")).Body.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == type)];

    private Task RegisterAsync(string name, string cpu = "4") => Host.Nodes.RegisterAsync(
        new NodeSpec(name, new Dictionary<string, string> { [WellKnownLabels.Hostname] = name }, [], ResourceList.Parse(("cpu", cpu), ("memory", "8Gi"), ("pods", "110"))));

    [Fact]
    public async Task Scale_Up_WritesRevisionAndEventAndPlacerAddsReplicas()
    {
        await RegisterAsync("n1");
        await ApplyAsync(Manifest("web"));
        await WaitForAssignmentsAsync(a => a.Length == 1, "one replica");
        long before = (await GetAsync("v1/workloads/default/web")).Body.GetProperty("workload").GetProperty("revision").GetInt64();

        var (status, body) = await PostAsync("v1/workloads/default/web/scale", """{"replicas": 3}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((3, true, "Running"), (body.GetProperty("replicas").GetInt32(), body.GetProperty("changed").GetBoolean(), body.GetProperty("desiredState").GetString()));
        Assert.True(body.GetProperty("revision").GetInt64() > before);
        await WaitForAssignmentsAsync(a => a.Length == 3, "three replicas");
        var scaled = Assert.Single(await EventsAsync("WorkloadScaled"));
        Assert.Equal(ApiMessages.WorkloadScaled("default/web", 1, 3), scaled.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Scale_Down_PlacerRemovesReplicasAboveTheCount()
    {
        await RegisterAsync("n1");
        await ApplyAsync(Manifest("web", replicas: "3"));
        await WaitForAssignmentsAsync(a => a.Length == 3, "three replicas");

        var (status, _) = await PostAsync("v1/workloads/default/web/scale", """{"replicas": 1}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var left = await WaitForAssignmentsAsync(a => a.Length == 1, "one replica left");
        Assert.Equal(0, left[0].GetProperty("replica").GetInt32());
    }

    [Fact]
    public async Task Scale_SameCount_UnchangedAndWritesNothing()
    {
        await ApplyUnplacedAsync(Manifest("web", replicas: "2"), "web", 2);
        long before = await StoreRevisionAsync();

        var (status, body) = await PostAsync("v1/workloads/default/web/scale", """{"replicas": 2}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("changed").GetBoolean());
        Assert.Equal(before, await StoreRevisionAsync());
    }

    [Theory]
    [InlineData("missing field", "{}", "replicas")]
    [InlineData("negative", """{"replicas": -1}""", "replicas is -1")]
    [InlineData("text", """{"replicas": "three"}""", "replicas is \"three\"")]
    [InlineData("fraction", """{"replicas": 1.5}""", "replicas is 1.5")]
    [InlineData("not json", "three", "replicas")]
    [InlineData("empty body", "", "replicas")]
    public async Task Scale_BadBody_Returns400NamingReplicasAndWritesNothing(string _, string body, string expected)
    {
        await ApplyUnplacedAsync(Manifest("web"), "web", 1);
        long before = await StoreRevisionAsync();

        var (status, error) = await PostAsync("v1/workloads/default/web/scale", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await StoreRevisionAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task Scale_OutsideDeclaredRange_Returns400NamingRange(int replicas)
    {
        await ApplyUnplacedAsync(Manifest("fleet", replicas: "{min: 1, max: 3}"), "fleet", 1);
        long before = await StoreRevisionAsync();

        var (status, error) = await PostAsync("v1/workloads/default/fleet/scale", $$"""{"replicas": {{replicas}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(ApiMessages.ReplicasOutsideRange("default/fleet", replicas, 1, 3), error.GetProperty("error").GetString());
        Assert.Equal(before, await StoreRevisionAsync());
    }

    [Fact]
    public async Task Scale_WithinDeclaredRange_Applies()
    {
        await ApplyAsync(Manifest("fleet", replicas: "{min: 1, max: 3}"));

        var (status, body) = await PostAsync("v1/workloads/default/fleet/scale", """{"replicas": 3}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("replicas").GetInt32());
    }

    [Theory]
    [InlineData("v1/workloads/default/ghost/scale", """{"replicas": 1}""")]
    [InlineData("v1/workloads/default/ghost/stop", null)]
    [InlineData("v1/workloads/default/ghost/start", null)]
    [InlineData("v1/nodes/ghost/cordon", null)]
    [InlineData("v1/nodes/ghost/uncordon", null)]
    [InlineData("v1/nodes/ghost/drain", null)]
    public async Task Verb_UnknownTarget_Returns404AndWritesNothing(string path, string? body)
    {
        long before = await StoreRevisionAsync();

        var (status, error) = await PostAsync(path, body);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("ghost not found", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await StoreRevisionAsync());
    }

    [Theory]
    [InlineData("v1/workloads/Bad_NS/web/stop")]
    [InlineData("v1/nodes/Bad_Node/cordon")]
    public async Task Verb_InvalidName_Returns400(string path)
    {
        var (status, error) = await PostAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("invalid ", error.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopThenStart_StopsReplicasThenPlacesThemAgain()
    {
        await RegisterAsync("n1");
        await ApplyAsync(Manifest("web", replicas: "2"));
        await WaitForAssignmentsAsync(a => a.Length == 2, "two replicas");

        var (stopStatus, stopped) = await PostAsync("v1/workloads/default/web/stop");

        Assert.Equal(HttpStatusCode.OK, stopStatus);
        Assert.Equal("Stopped", stopped.GetProperty("desiredState").GetString());
        await WaitForAssignmentsAsync(a => a.Length == 2 && a.All(x => x.GetProperty("state").GetString() == "Stopped"), "replicas stopped");
        Assert.False((await PostAsync("v1/workloads/default/web/stop")).Body.GetProperty("changed").GetBoolean());

        var (startStatus, started) = await PostAsync("v1/workloads/default/web/start");

        Assert.Equal(HttpStatusCode.OK, startStatus);
        Assert.Equal("Running", started.GetProperty("desiredState").GetString());
        await WaitForAssignmentsAsync(a => a.Length == 2 && a.All(x => x.GetProperty("state").GetString() != "Stopped"), "replicas placed again");
        Assert.Single(await EventsAsync("WorkloadStopped"));
        Assert.Single(await EventsAsync("WorkloadStarted"));
    }

    [Fact]
    public async Task CordonUncordon_FlipsSchedulableWithEvents()
    {
        await RegisterAsync("n1");

        var (cordonStatus, cordoned) = await PostAsync("v1/nodes/n1/cordon");
        var afterCordon = (await GetAsync("v1/nodes")).Body[0].GetProperty("spec").GetProperty("unschedulable").GetBoolean();
        var (uncordonStatus, uncordoned) = await PostAsync("v1/nodes/n1/uncordon");
        var afterUncordon = (await GetAsync("v1/nodes")).Body[0].GetProperty("spec").GetProperty("unschedulable").GetBoolean();

        Assert.Equal((HttpStatusCode.OK, true, true), (cordonStatus, cordoned.GetProperty("cordoned").GetBoolean(), afterCordon));
        Assert.Equal((HttpStatusCode.OK, false, false), (uncordonStatus, uncordoned.GetProperty("cordoned").GetBoolean(), afterUncordon));
        Assert.Single(await EventsAsync("NodeCordoned"));
        Assert.Single(await EventsAsync("NodeUncordoned"));
    }

    [Fact]
    public async Task Cordon_NewReplicasGoElsewhere()
    {
        await RegisterAsync("n1");
        await RegisterAsync("n2");
        await PostAsync("v1/nodes/n1/cordon");

        await ApplyAsync(Manifest("web", replicas: "3"));

        var placed = await WaitForAssignmentsAsync(a => a.Length == 3, "three replicas");
        Assert.All(placed, a => Assert.Equal("n2", a.GetProperty("node").GetString()));
    }

    [Fact]
    public async Task Drain_RepeatedUntilComplete_MovesEveryReplicaAway()
    {
        await RegisterAsync("n1");
        await ApplyAsync(Manifest("web", replicas: "2") + "---\n" + Manifest("api", replicas: "1"));
        await WaitForAssignmentsAsync(a => a.Length == 3, "three replicas on n1");
        await RegisterAsync("n2");

        var first = (await PostAsync("v1/nodes/n1/drain")).Body;
        Assert.Equal(2, first.GetProperty("released").GetArrayLength());
        Assert.False(first.GetProperty("complete").GetBoolean());
        var last = await WaitForAsync(() => PostAsync("v1/nodes/n1/drain"), r => r.Body.GetProperty("complete").GetBoolean(), "drain complete");

        Assert.Equal(HttpStatusCode.OK, last.Status);
        var placed = await WaitForAssignmentsAsync(a => a.Length == 3 && a.All(x => x.GetProperty("node").GetString() == "n2"), "replicas on n2");
        Assert.Equal(3, placed.Length);
        Assert.True((await GetAsync("v1/nodes")).Body[0].GetProperty("spec").GetProperty("unschedulable").GetBoolean());
        Assert.Equal(3, (await EventsAsync("ReplicaReleased")).Length);
    }

    [Fact]
    public async Task Plan_ReportsChangesAndPlacementsAndWritesNothing()
    {
        await RegisterAsync("n1", cpu: "2");
        await ApplyAsync(Manifest("web"));
        await WaitForAssignmentsAsync(a => a.Length == 1, "one replica");
        long before = await StoreRevisionAsync();
        var manifest = Manifest("web", replicas: "2") + "---\n" + Manifest("api") + "---\n" + Manifest("huge", cpu: "64");

        var (status, body) = await PostAsync("v1/plan", manifest, "application/yaml");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(before, await StoreRevisionAsync());
        // The plan's read revision: at least what the test saw (the loop's own bookkeeping may have moved it since).
        Assert.True(body.GetProperty("revision").GetInt64() >= before);
        var workloads = body.GetProperty("workloads");
        var web = workloads[0];
        Assert.Equal(("web", "Updated"), (web.GetProperty("name").GetString(), web.GetProperty("change").GetString()));
        Assert.Equal(["replicas"], web.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal([("Keep", "n1"), ("Place", "n1")], web.GetProperty("replicas").EnumerateArray().Select(r => (r.GetProperty("action").GetString(), r.GetProperty("node").GetString())));
        Assert.Equal("Created", workloads[1].GetProperty("change").GetString());
        Assert.Equal("Place", workloads[1].GetProperty("replicas")[0].GetProperty("action").GetString());
        var huge = workloads[2].GetProperty("replicas")[0];
        Assert.Equal("Unschedulable", huge.GetProperty("action").GetString());
        Assert.Contains("Insufficient cpu", huge.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("v1/workloads/default/api")).Status);
    }

    [Fact]
    public async Task Plan_SameManifest_Unchanged()
    {
        await ApplyAsync(Manifest("web"));

        var (_, body) = await PostAsync("v1/plan", Manifest("web"), "application/yaml");

        var web = body.GetProperty("workloads")[0];
        Assert.Equal("Unchanged", web.GetProperty("change").GetString());
        Assert.Equal(0, web.GetProperty("changedFields").GetArrayLength());
    }

    [Fact]
    public async Task Plan_BadManifest_Returns400WithFieldPathAndWritesNothing()
    {
        long before = await StoreRevisionAsync();

        var (status, body) = await PostAsync("v1/plan", Manifest("web", replicas: "two"), "application/yaml");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("spec.replicas: ", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await StoreRevisionAsync());
    }
}
