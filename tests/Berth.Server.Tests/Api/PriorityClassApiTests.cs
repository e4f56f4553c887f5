using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Hosting;
using Berth.Server.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Api;

/// <summary>
/// PriorityClass through the REST API over a real server on 127.0.0.1 with a free port: apply and list, admission of a
/// workload's priorityClassName, and preemption end to end (who was evicted for whom, in events and explanations).
/// </summary>
public sealed class PriorityClassApiTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-priority-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServerHost? _host;

    private ServerHost Host => _host ?? throw new InvalidOperationException("host not started");

    private static string Class(string name, int value, bool globalDefault = false, string policy = "PreemptLowerPriority") => $"""
        apiVersion: berth.dev/v1
        kind: PriorityClass
        metadata: {"{"}name: {name}{"}"}
        spec: {"{"}value: {value}, globalDefault: {(globalDefault ? "true" : "false")}, preemptionPolicy: {policy}, description: "{name} work"{"}"}

        """;

    private static string Workload(string name, int replicas, string cpu, string? priorityClass = null) => $"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {"{"}name: {name}{"}"}
        spec:
          replicas: {replicas}
          {(priorityClass is null ? "" : $"priorityClassName: {priorityClass}")}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {"{"}requests: {"{"}cpu: {cpu}, memory: 64Mi{"}"}{"}"}

        """;

    private static string Both(string first, string second) => first + "---\n" + second;

    public async Task InitializeAsync() => _host = await ServerHost.StartAsync(new ServerOptions
    {
        Listen = "127.0.0.1:0",
        DataDirectory = _data,
        LoopInterval = TimeSpan.FromMilliseconds(200),
    }, logging => logging.ClearProviders());

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

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Host.Address, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/yaml");
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    private Task<(HttpStatusCode Status, JsonElement Body)> ApplyAsync(string manifest) => SendAsync(HttpMethod.Post, "v1/apply", manifest);

    private async Task<JsonElement> SpecOfAsync(string name) =>
        (await GetAsync($"v1/workloads/default/{name}")).Body.GetProperty("workload").GetProperty("spec");

    private static NodeSpec Node(string name, string cpu) =>
        new(name, new Dictionary<string, string> { [WellKnownLabels.Hostname] = name }, [],
            ResourceList.Parse(("cpu", cpu), ("memory", "8Gi"), ("pods", "110")));

    [Fact]
    public async Task Apply_ClassAndWorkloadInOneManifest_StoresTheClass_AndGivesTheWorkloadItsValue()
    {
        var (status, body) = await ApplyAsync(Both(Class("critical", 1000, policy: "Never"), Workload("api", 1, "100m", "critical")));

        Assert.Equal(HttpStatusCode.OK, status);
        var applied = Assert.Single(body.GetProperty("objects").EnumerateArray());
        Assert.Equal(("PriorityClass", "/objects/priorityclasses/critical"), (applied.GetProperty("kind").GetString(), applied.GetProperty("key").GetString()));
        var spec = await SpecOfAsync("api");
        Assert.Equal(1000, spec.GetProperty("priority").GetInt32());
        Assert.Equal("critical", spec.GetProperty("priorityClassName").GetString());
        Assert.Equal("Never", spec.GetProperty("preemptionPolicy").GetString());

        var (_, list) = await GetAsync("v1/objects/priorityclasses");
        var listed = Assert.Single(list.EnumerateArray());
        Assert.Equal(("critical", ""), (listed.GetProperty("name").GetString(), listed.GetProperty("namespace").GetString()));
        Assert.Equal(1000, listed.GetProperty("spec").GetProperty("value").GetInt32());
        Assert.Equal("critical work", listed.GetProperty("spec").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Apply_WorkloadNamingAStoredClass_GetsItsValue_AndTheGlobalDefaultGoesToTheOthers()
    {
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(Both(Class("batch", 10), Class("normal", 100, globalDefault: true)))).Status);

        var (status, _) = await ApplyAsync(Both(Workload("cron", 1, "100m", "batch"), Workload("web", 1, "100m")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(10, (await SpecOfAsync("cron")).GetProperty("priority").GetInt32());
        Assert.Equal(100, (await SpecOfAsync("web")).GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task Apply_UnknownClass_Returns400NamingTheField_AndStoresNothing()
    {
        await ApplyAsync(Class("batch", 10));
        long before = await RequestWrites.RevisionAsync(Host.Store);

        var (status, body) = await ApplyAsync(Both(Workload("web", 1, "100m"), Workload("api", 1, "100m", "gold")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("[1].spec.priorityClassName: no priority class named 'gold' (there are batch); create it first (kind PriorityClass) or name an existing one",
            body.GetProperty("error").GetString());
        Assert.Equal(before, await RequestWrites.RevisionAsync(Host.Store));
        Assert.Equal(0, (await GetAsync("v1/workloads")).Body.GetArrayLength());
    }

    [Fact]
    public async Task Apply_SecondGlobalDefault_Returns400NamingTheField()
    {
        await ApplyAsync(Class("normal", 100, globalDefault: true));

        var (status, body) = await ApplyAsync(Class("other", 5, globalDefault: true));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("spec.globalDefault: priority class 'other' cannot be the global default: 'normal' already is", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single((await GetAsync("v1/objects/priorityclasses")).Body.EnumerateArray());
    }

    [Fact]
    public async Task Apply_ClassWithBadValue_Returns400NamingTheField()
    {
        var (status, body) = await ApplyAsync(Class("huge", 2_000_000_000));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("spec.value: 2000000000 is above 1000000000", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlLoop_HighPriorityArrival_PreemptsLowerPriorityReplicas_AndRecordsWhoForWhom()
    {
        await Host.Nodes.RegisterAsync(Node("n1", "2"));
        await ApplyAsync(Both(Class("batch", 10), Workload("low", 2, "1", "batch")));
        await RunningServer.WaitForAsync(() => GetAsync("v1/assignments"), r => r.Body.GetArrayLength() == 2, "two low replicas placed");

        await ApplyAsync(Both(Class("critical", 1000), Workload("high", 1, "1", "critical")));

        var (_, detail) = await RunningServer.WaitForAsync(() => GetAsync("v1/workloads/default/high"),
            r => r.Body.GetProperty("assignments").GetArrayLength() == 1, "the high replica placed");
        var explanation = detail.GetProperty("assignments")[0].GetProperty("assignment").GetProperty("explanation").GetString();
        Assert.Matches(@"; nominated node n1 by preempting default/low/[01] \(priority 10\)$", explanation);
        var (_, events) = await GetAsync("v1/events?after=0&limit=1000");
        var evicted = Assert.Single(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "ReplicaEvicted");
        Assert.Matches(@"^replica default/low/[01] evicted from node n1: preempted by default/high \(priority 1000\) to place replica default/high/0 on node n1$",
            evicted.GetProperty("message").GetString());
        // The victim's own workload shows it: one replica left, and the eviction among its events.
        var (_, low) = await GetAsync("v1/workloads/default/low");
        Assert.Equal(1, low.GetProperty("assignments").GetArrayLength());
        Assert.Contains(low.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "ReplicaEvicted");
    }

    [Fact]
    public async Task ControlLoop_NeverClass_DoesNotPreempt_AndSaysWhy()
    {
        await Host.Nodes.RegisterAsync(Node("n1", "2"));
        await ApplyAsync(Workload("low", 2, "1"));
        await RunningServer.WaitForAsync(() => GetAsync("v1/assignments"), r => r.Body.GetArrayLength() == 2, "two low replicas placed");

        await ApplyAsync(Both(Class("patient", 1000, policy: "Never"), Workload("high", 1, "1", "patient")));

        var (_, events) = await RunningServer.WaitForAsync(() => GetAsync("v1/events?after=0&limit=1000"),
            r => r.Body.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("type").GetString() == "WorkloadUnschedulable"), "the high replica reported unschedulable");
        var unschedulable = events.GetProperty("events").EnumerateArray().First(e => e.GetProperty("type").GetString() == "WorkloadUnschedulable");
        Assert.Contains("preemption: not eligible due to preemptionPolicy=Never.", unschedulable.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "ReplicaEvicted");
        Assert.Equal(2, (await GetAsync("v1/assignments")).Body.GetArrayLength());
    }
}
