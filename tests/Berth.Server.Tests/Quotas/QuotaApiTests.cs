using Berth.Server.State;
using Berth.Store;
using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Tests.Fixtures;
using Grpc.Net.Client;
using V1 = Berth.Protocol.V1;

namespace Berth.Server.Tests.Quotas;

/// <summary>Quotas on a real server: admission on apply and scale against live usage, <c>GET /v1/quotas</c>, burst in the placer.</summary>
public sealed class QuotaApiTests : IAsyncLifetime
{
    private RunningServer? _server;

    private RunningServer Server => _server ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static string Quota(string ns, string spec) => $"""
        apiVersion: berth.dev/v1
        kind: Quota
        metadata: {"{"}name: compute, namespace: {ns}{"}"}
        spec: {spec}

        """;

    private static string Workload(string ns, string name, int replicas, string cpu = "500m") => $"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        spec:
          replicas: {replicas}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {"{"}requests: {"{"}cpu: {cpu}, memory: 64Mi{"}"}{"}"}

        """;

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string body, string mediaType)
    {
        using var content = new StringContent(body, Encoding.UTF8, mediaType);
        using var response = await Server.Http.PostAsync(Server.Url(path), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<(HttpStatusCode Status, string Body)> ApplyAsync(string manifest) => PostAsync("v1/apply", manifest, "application/yaml");

    private static string ErrorOf(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    [Fact]
    public async Task Apply_ExactlyAtHardLimit_IsAdmitted_AndOneMoreReplicaIsRefusedWritingNothing()
    {
        // The quota and the workloads that reach it exactly, in one manifest.
        await Server.ApplyAsync(Quota("team-a", "{hard: {cpu: 1500m, replicas: 3}}") + "---\n" + Workload("team-a", "web", 3));

        var (status, body) = await ApplyAsync(Workload("team-a", "more", 1));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            "workload team-a/more with 1 replica(s) is over quota: quota team-a/compute refuses cpu: used 1500m + requested 500m is over the hard limit 1500m; "
            + "lower the request or raise the quota's hard.cpu; nothing was written",
            ErrorOf(body));
        // Nothing of it was written (the control loop keeps writing about web meanwhile, so no revision is compared).
        Assert.Null(await Server.Host.Store.GetAsync("/workloads/team-a/more"));
        var events = await Server.Host.Store.RangeAsync(KeyRange.Prefix(KeyLayout.EventsPrefix));
        Assert.DoesNotContain(events.Kvs, kv => Encoding.UTF8.GetString(kv.Value.Span).Contains("team-a/more", StringComparison.Ordinal));
        // Other namespaces are not limited.
        await Server.ApplyAsync(Workload("team-b", "more", 5));
    }

    [Fact]
    public async Task Plan_OverQuota_IsRefusedAsApplyWouldBe()
    {
        await Server.ApplyAsync(Quota("team-a", "{hard: {replicas: 2}}"));

        var (status, body) = await PostAsync("v1/plan", Workload("team-a", "web", 3), "application/yaml");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("quota team-a/compute refuses replicas: used 0 + requested 3 is over the hard limit 2", ErrorOf(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_QuotaWithWorkloadsOverIt_RefusesTheWholeManifest()
    {
        var (status, body) = await ApplyAsync(Quota("team-a", "{hard: {replicas: 2}}") + "---\n" + Workload("team-a", "web", 3));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("quota team-a/compute refuses replicas: used 0 + requested 3 is over the hard limit 2", ErrorOf(body), StringComparison.Ordinal);
        Assert.Equal("[]", await Server.GetTextAsync("v1/quotas"));
    }

    [Fact]
    public async Task Apply_UnchangedWorkload_IsAdmittedAfterTheQuotaWasLowered()
    {
        await Server.ApplyAsync(Workload("team-a", "web", 3));
        await Server.ApplyAsync(Quota("team-a", "{hard: {cpu: \"1\"}}"));

        await Server.ApplyAsync(Workload("team-a", "web", 3));
        var (status, body) = await ApplyAsync(Workload("team-a", "web", 3, cpu: "600m"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("used 1500m + requested 300m is over the hard limit 1", ErrorOf(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scale_OverQuota_IsRefusedNamingTheQuota_AndDownIsAdmitted()
    {
        await Server.ApplyAsync(Quota("team-a", "{hard: {replicas: 4}}") + "---\n" + Workload("team-a", "web", 2));

        var exact = await PostAsync("v1/workloads/team-a/web/scale", """{"replicas": 4}""", "application/json");
        var over = await PostAsync("v1/workloads/team-a/web/scale", """{"replicas": 5}""", "application/json");
        var down = await PostAsync("v1/workloads/team-a/web/scale", """{"replicas": 1}""", "application/json");

        Assert.Equal(HttpStatusCode.OK, exact.Status);
        Assert.Equal(HttpStatusCode.BadRequest, over.Status);
        Assert.Contains("quota team-a/compute refuses replicas: used 4 + requested 1 is over the hard limit 4", ErrorOf(over.Body), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, down.Status);
    }

    [Fact]
    public async Task Apply_AboveSoftWithoutBurst_IsRefusedAtTheSoftLimit_AndWithBurstUpToTheCeiling()
    {
        await Server.ApplyAsync(Quota("team-a", "{soft: {cpu: \"1\"}}"));
        var (status, body) = await ApplyAsync(Workload("team-a", "web", 3));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("soft limit (allowBurst is off) 1", ErrorOf(body), StringComparison.Ordinal);

        await Server.ApplyAsync(Quota("team-a", "{soft: {cpu: \"1\"}, allowBurst: true, maxBurstPercent: 50}"));
        await Server.ApplyAsync(Workload("team-a", "web", 3));
        (status, body) = await ApplyAsync(Workload("team-a", "web", 4));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("burst ceiling (soft limit plus maxBurstPercent) 1500m", ErrorOf(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetQuotas_ShowsUseAgainstEveryLimit()
    {
        await Server.ApplyAsync(Quota("team-a", "{hard: {cpu: \"4\", memory: 1Gi, replicas: 10}, soft: {cpu: \"2\"}, allowBurst: true, maxBurstPercent: 50}")
            + "---\n" + Workload("team-a", "web", 3));

        var quota = Assert.Single(JsonDocument.Parse(await Server.GetTextAsync("v1/quotas")).RootElement.EnumerateArray());

        Assert.Equal(("team-a", "compute", true, 50), (quota.GetProperty("namespace").GetString(), quota.GetProperty("name").GetString(),
            quota.GetProperty("allowBurst").GetBoolean(), quota.GetProperty("maxBurstPercent").GetInt32()));
        var rows = quota.GetProperty("resources").EnumerateArray()
            .Select(r => string.Join(" ", r.GetProperty("resource").GetString(), r.GetProperty("used").GetString(), Text(r, "hard"), Text(r, "soft"), Text(r, "burstCeiling")))
            .ToList();
        Assert.Equal(["cpu 1500m 4 2 3", "memory 192Mi 1Gi - -", "replicas 3 10 - -"], rows);
    }

    [Fact]
    public async Task ListQuotas_OverGrpc_MatchesRest()
    {
        await Server.ApplyAsync(Quota("team-a", "{hard: {replicas: 10}, soft: {replicas: 2}, allowBurst: true}") + "---\n" + Workload("team-a", "web", 3));
        using var channel = GrpcChannel.ForAddress(Server.Host.GrpcAddress);

        var answer = await new V1.Berth.BerthClient(channel).ListQuotasAsync(new V1.ListQuotasRequest());

        var quota = Assert.Single(answer.Quotas);
        Assert.Equal(("team-a", "compute", true, 100), (quota.Namespace, quota.Name, quota.AllowBurst, quota.MaxBurstPercent));
        var replicas = Assert.Single(quota.Resources);
        Assert.Equal(("replicas", "3", "10", "2", "4"), (replicas.Resource, replicas.Used, replicas.Hard, replicas.Soft, replicas.BurstCeiling));
    }

    private static string Text(JsonElement row, string field) =>
        row.GetProperty(field).ValueKind == JsonValueKind.Null ? "-" : row.GetProperty(field).GetString()!;

    [Fact]
    public async Task Placer_GuaranteedReplicaUnderPressure_EvictsTheBurstReplica_WhichThenWaitsForIdleCapacity()
    {
        await Server.Host.Nodes.RegisterAsync(new NodeSpec("node-1", new Dictionary<string, string> { [WellKnownLabels.Hostname] = "node-1" }, [],
            ResourceList.Parse(("cpu", "2"), ("memory", "8Gi"), ("pods", "110"))));
        await Server.ApplyAsync(Quota("team-a", "{soft: {cpu: \"1\"}, allowBurst: true}") + "---\n" + Workload("team-a", "batch", 2, cpu: "1"));
        await WaitForAssignedAsync("team-a/batch", 2);

        // team-b has no quota, so it is never burst: it reclaims the capacity team-a borrowed, although priorities are equal.
        await Server.ApplyAsync(Workload("team-b", "api", 1, cpu: "1"));

        await WaitForAssignedAsync("team-b/api", 1);
        await WaitForAssignedAsync("team-a/batch", 1);
        var summary = await RunningServer.WaitForAsync(
            () => Server.GetTextAsync("v1/events?limit=1000"),
            text => text.Contains("is above its soft quota, so this replica is burst and may use only idle capacity", StringComparison.Ordinal),
            "the evicted burst replica's unschedulable summary");
        Assert.Contains("team-a", summary, StringComparison.Ordinal);
    }

    private Task WaitForAssignedAsync(string workload, int count) => RunningServer.WaitForAsync(
        async () => JsonDocument.Parse(await Server.GetTextAsync("v1/assignments")).RootElement.EnumerateArray()
            .Count(a => a.GetProperty("assignment").GetProperty("workload").GetString() == workload
                && a.GetProperty("assignment").GetProperty("state").GetString() is "Pending" or "Running"),
        n => n == count,
        $"{count} assignment(s) of {workload}");
}
