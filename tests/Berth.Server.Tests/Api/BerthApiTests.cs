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

/// <summary>The REST API over a real Kestrel on 127.0.0.1 with a free port and a temporary data directory.</summary>
public sealed class BerthApiTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-api-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServerHost? _host;

    private ServerHost Host => _host ?? throw new InvalidOperationException("host not started");

    private static string Manifest(string name, int replicas = 2, string cpu = "500m") => $"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {"{"}name: {name}{"}"}
        spec:
          replicas: {replicas}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {"{"}requests: {"{"}cpu: {cpu}, memory: 64Mi{"}"}{"}"}

        """;

    private ServerOptions Options(string listen = "127.0.0.1:0") => new()
    {
        Listen = listen,
        DataDirectory = _data,
        // Short, so the background loop places replicas within a test's wait.
        LoopInterval = TimeSpan.FromMilliseconds(200),
    };

    private static void Quiet(ILoggingBuilder logging) => logging.ClearProviders();

    public async Task InitializeAsync() => _host = await ServerHost.StartAsync(Options(), Quiet);

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

    private Uri Url(string path) => new(Host.Address, path);

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, Url(path));
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

    private Task<long> StoreRevisionAsync() => RequestWrites.RevisionAsync(Host.Store);

    private static Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what) => RunningServer.WaitForAsync(read, done, what);

    private static NodeSpec Node(string name) =>
        new(name, new Dictionary<string, string> { [WellKnownLabels.Hostname] = name }, [],
            ResourceList.Parse(("cpu", "4"), ("memory", "8Gi"), ("pods", "110")));

    private async Task<JsonElement> WaitForAssignmentsAsync(int count)
    {
        var (_, body) = await WaitForAsync(() => GetAsync("v1/assignments"), r => r.Body.GetArrayLength() >= count, $"{count} assignments");
        return body;
    }

    [Fact]
    public async Task Apply_ValidWorkload_StoresItAndRecordsWorkloadApplied()
    {
        var (status, body) = await ApplyAsync(Manifest("web"));

        Assert.Equal(HttpStatusCode.OK, status);
        var applied = Assert.Single(body.GetProperty("workloads").EnumerateArray());
        Assert.Equal("/workloads/default/web", applied.GetProperty("key").GetString());
        Assert.Equal("Created", applied.GetProperty("outcome").GetString());
        Assert.True(applied.GetProperty("revision").GetInt64() > 0);

        var (getStatus, detail) = await GetAsync("v1/workloads/default/web");
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal(2, detail.GetProperty("workload").GetProperty("spec").GetProperty("replicas").GetInt32());
        Assert.Equal("500m", detail.GetProperty("workload").GetProperty("spec").GetProperty("containers")[0]
            .GetProperty("resources").GetProperty("requests").GetProperty("cpu").GetString());

        var (_, list) = await GetAsync("v1/workloads");
        Assert.Equal("web", Assert.Single(list.EnumerateArray()).GetProperty("name").GetString());

        var (_, events) = await GetAsync("v1/events?after=0&limit=100");
        Assert.Contains(events.GetProperty("events").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "WorkloadApplied" && e.GetProperty("subject").GetString() == "default/web");
    }

    [Fact]
    public async Task Apply_SameManifestTwice_SecondIsUnchangedAndWritesNothing()
    {
        await ApplyAsync(Manifest("web"));
        long before = await StoreRevisionAsync();

        var (status, body) = await ApplyAsync(Manifest("web"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Unchanged", body.GetProperty("workloads")[0].GetProperty("outcome").GetString());
        Assert.True(await StoreRevisionAsync() - before <= 2, "only the control loop may have written (unschedulable summaries)");
    }

    [Fact]
    public async Task BackgroundLoop_AfterNodesRegister_PlacesReplicasShownByAssignments()
    {
        await ApplyAsync(Manifest("web", replicas: 3));
        await Host.Nodes.RegisterAsync(Node("n1"));
        await Host.Nodes.RegisterAsync(Node("n2"));

        var assignments = await WaitForAssignmentsAsync(3);

        Assert.Equal(3, assignments.GetArrayLength());
        Assert.All(assignments.EnumerateArray(), a =>
            Assert.Contains(a.GetProperty("assignment").GetProperty("node").GetString(), new[] { "n1", "n2" }));
        var (_, nodes) = await GetAsync("v1/nodes");
        Assert.Equal(["n1", "n2"], nodes.EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        var (_, detail) = await GetAsync("v1/workloads/default/web");
        Assert.Equal(3, detail.GetProperty("assignments").GetArrayLength());
    }

    [Fact]
    public async Task Delete_Workload_RemovesKeyRecordsEventAndPlacerRemovesAssignments()
    {
        await Host.Nodes.RegisterAsync(Node("n1"));
        await ApplyAsync(Manifest("web", replicas: 2));
        await WaitForAssignmentsAsync(2);

        var (status, _) = await SendAsync(HttpMethod.Delete, "v1/workloads/default/web");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("v1/workloads/default/web")).Status);
        await WaitForAsync(() => GetAsync("v1/assignments"), r => r.Body.GetArrayLength() == 0, "assignments removed");
        var (_, events) = await GetAsync("v1/events?limit=1000");
        Assert.Contains(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "WorkloadDeleted");
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, "v1/workloads/default/web")).Status);
    }

    [Fact]
    public async Task Apply_BadManifest_Returns400WithFieldPathAndStoresNothing()
    {
        long before = await StoreRevisionAsync();

        var (status, body) = await ApplyAsync(Manifest("web").Replace("replicas: 2", "replicas: two", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("spec.replicas: ", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await StoreRevisionAsync());
    }

    [Fact]
    public async Task Apply_MultiDocumentWithOneBadDocument_Returns400AndStoresNothing()
    {
        long before = await StoreRevisionAsync();
        var manifest = Manifest("good") + "---\n" + Manifest("bad").Replace("command:", "comand:", StringComparison.Ordinal);

        var (status, body) = await ApplyAsync(manifest);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("[1].spec.containers[0]", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await StoreRevisionAsync());
        Assert.Equal(0, (await GetAsync("v1/workloads")).Body.GetArrayLength());
    }

    [Fact]
    public async Task Apply_MultiDocument_WritesEveryWorkload()
    {
        var (status, body) = await ApplyAsync(Manifest("a") + "---\n" + Manifest("b"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["a", "b"], body.GetProperty("workloads").EnumerateArray().Select(w => w.GetProperty("name").GetString()));
        Assert.Equal(2, (await GetAsync("v1/workloads")).Body.GetArrayLength());
    }

    [Fact]
    public async Task Apply_BodyOverLimit_Returns413()
    {
        long before = await StoreRevisionAsync();
        var huge = Manifest("web") + "# " + new string('x', (int)ServerOptions.DefaultMaxRequestBodyBytes) + "\n";

        var (status, body) = await ApplyAsync(huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(ApiMessages.BodyTooLarge(ServerOptions.DefaultMaxRequestBodyBytes), body.GetProperty("error").GetString());
        Assert.Equal(before, await StoreRevisionAsync());
    }

    [Theory]
    [InlineData("any-ipv4", "0.0.0.0:7070")]
    [InlineData("lan-address", "192.168.1.10:7070")]
    [InlineData("any-ipv6", "[::]:7070")]
    [InlineData("hostname", "example.com:7070")]
    public async Task Start_NonLoopbackListen_IsRefused(string _, string listen)
    {
        var e = await Assert.ThrowsAsync<ServerOptionsException>(() => ServerHost.StartAsync(Options(listen) with { DataDirectory = _data + "-refused" }, Quiet));

        Assert.Contains(listen, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_data + "-refused"), "nothing is created for refused options");
    }

    [Fact]
    public async Task Restart_OnSameDataDirectory_KeepsWorkloadsAndAssignments()
    {
        await Host.Nodes.RegisterAsync(Node("n1"));
        await ApplyAsync(Manifest("web", replicas: 2));
        await WaitForAssignmentsAsync(2);

        await Host.DisposeAsync();
        _host = null;
        _host = await ServerHost.StartAsync(Options(), Quiet);

        var (_, workloads) = await GetAsync("v1/workloads");
        Assert.Equal("web", Assert.Single(workloads.EnumerateArray()).GetProperty("name").GetString());
        var (_, assignments) = await GetAsync("v1/assignments");
        Assert.Equal(2, assignments.GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await WaitForAsync(() => GetAsync("readyz"), r => r.Status == HttpStatusCode.OK, "readiness")).Status);
    }

    [Theory]
    [InlineData("after-not-a-number", "v1/events?after=x")]
    [InlineData("limit-zero", "v1/events?limit=0")]
    [InlineData("limit-too-large", "v1/events?limit=100000")]
    [InlineData("bad-namespace", "v1/workloads/Bad_NS/web")]
    public async Task Get_BadParameters_Returns400WithError(string _, string path)
    {
        var (status, body) = await GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Healthz_Returns200()
    {
        var (status, body) = await GetAsync("healthz");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body.GetProperty("status").GetString());
    }
}
