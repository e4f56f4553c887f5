using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary>
/// A root and two region control planes as real <c>berth server</c> processes on loopback: the root delegates to the
/// region that owns the chosen pool, a region escalates what it cannot place, and a region cut off from the root keeps
/// placing in its own pools, refuses a workload needing a region it does not know and escalates it on reconnection.
/// </summary>
public sealed class RegionHierarchyTests : IDisposable
{
    // Short, so that the regions are known and a lost root is noticed (after five intervals) within the waits.
    private const string ReportInterval = "300ms";

    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-hierarchy-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<ServerProcess> _servers = [];

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }
        _http.Dispose();
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task RootAndTwoRegions_DelegateEscalateAndACutOffRegionBehaves()
    {
        var root = await StartAsync("root", 0, ["--region", "global"]);
        var euWest = await StartAsync("eu-west", 0, ["--region", "eu-west", "--parent", root.Address.ToString()]);
        var apSouth = await StartAsync("ap-south", 0, ["--region", "ap-south", "--parent", root.Address.ToString()]);
        await ApplyAsync(euWest, Example("eu-west.yaml"));
        await ApplyAsync(apSouth, Example("ap-south.yaml"));
        await Eventually.WaitAsync(async () =>
        {
            var regions = (await GetAsync(root, "v1/fleet/regions")).AsArray();
            return regions.Count == 2 && regions.All(r => r!["status"]!.GetValue<string>() == "Connected" && r["pools"]!.AsArray().Count == 1);
        }, "both regions and their pools at the root");

        // Delegation: only eu-west's pool has gdpr; the root applies the workload there, pinned to that pool.
        await ApplyAsync(root, Example("gdpr-api.yaml"));
        await Eventually.WaitAsync(async () => (await EventsAsync(root, "FleetDelegated", "default/gdpr-api")).Count == 1, "the root to delegate gdpr-api");
        await Eventually.WaitAsync(async () => await RunningAsync(euWest, "gdpr-api-eu-west-1-") == 2, "gdpr-api's 2 replicas Running in eu-west's pool");
        var delegated = (await GetAsync(euWest, "v1/workloads/default/gdpr-api"))["workload"]!["spec"]!;
        Assert.Equal("global", delegated["labels"]!["berth.dev/delegated-from"]!.GetValue<string>());
        Assert.Equal("eu-west-1", delegated["labels"]!["berth.dev/delegated-pool"]!.GetValue<string>());
        Assert.False(await HasWorkloadAsync(apSouth, "gdpr-api"));

        // Escalation: ap-south has no gdpr pool; it hands the workload to the root, which delegates it to eu-west.
        await ApplyAsync(apSouth, Example("gdpr-api.yaml").Replace("name: gdpr-api", "name: gdpr-db", StringComparison.Ordinal));
        await Eventually.WaitAsync(async () => (await EventsAsync(apSouth, "FleetEscalated", "default/gdpr-db")).Count == 1, "ap-south to escalate gdpr-db");
        await Eventually.WaitAsync(async () => await RunningAsync(euWest, "gdpr-db-eu-west-1-") == 2, "gdpr-db's replicas Running in eu-west");
        Assert.Equal("ap-south", (await GetAsync(root, "v1/workloads/default/gdpr-db"))["workload"]!["spec"]!["labels"]!["berth.dev/escalated-from"]!.GetValue<string>());

        // Cut off: the root dies; ap-south notices, keeps placing in its own pool and refuses what needs an unknown region.
        int rootPort = root.Port;
        root.Kill();
        await Eventually.WaitAsync(async () => (await EventsAsync(apSouth, "ParentUnreachable", "ap-south")).Count == 1, "ap-south to notice its parent is gone");
        await ApplyAsync(apSouth, Example("gdpr-api.yaml").Replace("name: gdpr-api", "name: local-web", StringComparison.Ordinal).Replace("[gdpr]", "[soc2]", StringComparison.Ordinal));
        await Eventually.WaitAsync(async () => await RunningAsync(apSouth, "local-web-ap-south-1-") == 2, "local-web placed in ap-south's own pool while cut off");
        await ApplyAsync(apSouth, Example("us-east-bound.yaml"));
        var refused = await Eventually.ValueAsync(async () => (await EventsAsync(apSouth, "FleetPlacementPending", "default/us-east-bound")).FirstOrDefault(), "ap-south to refuse us-east-bound");
        Assert.Contains("default/us-east-bound refused: it requires region us-east, which region ap-south does not know (it knows ap-south), and its parent",
            refused["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // Reconnection: the root comes back on its address; ap-south evaluates the pending workload again and escalates it.
        var back = await StartAsync("root", rootPort, ["--region", "global"]);
        await Eventually.WaitAsync(async () => (await EventsAsync(apSouth, "ParentReconnected", "ap-south")).Count == 1, "ap-south to reconnect");
        await Eventually.WaitAsync(async () => (await EventsAsync(apSouth, "FleetEscalated", "default/us-east-bound")).Count == 1, "ap-south to escalate us-east-bound");
        Assert.True(await HasWorkloadAsync(back, "us-east-bound"));
    }

    private async Task<ServerProcess> StartAsync(string name, int port, string[] options)
    {
        var server = await ServerProcess.StartAsync(Path.Combine(_work, name), port, [.. options, "--region-report-interval", ReportInterval]);
        _servers.Add(server);
        return server;
    }

    private static string Example(string file)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "examples", "fleet", "hierarchy")))
        {
            directory = directory.Parent;
        }
        Assert.NotNull(directory);
        return File.ReadAllText(Path.Combine(directory.FullName, "examples", "fleet", "hierarchy", file));
    }

    private async Task ApplyAsync(ServerProcess server, string manifest)
    {
        using var content = new StringContent(manifest, Encoding.UTF8, "application/yaml");
        using var response = await _http.PostAsync(new Uri(server.Address, "v1/apply"), content);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"apply answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonNode> GetAsync(ServerProcess server, string path) =>
        JsonNode.Parse(await _http.GetStringAsync(new Uri(server.Address, path)))!;

    private async Task<bool> HasWorkloadAsync(ServerProcess server, string name) =>
        (await GetAsync(server, "v1/workloads")).AsArray().Any(w => w!["name"]?.GetValue<string>() == name);

    // Running replicas of the workloads whose name starts with the prefix (the derived workloads of one fleet workload).
    private async Task<int> RunningAsync(ServerProcess server, string prefix) =>
        (await GetAsync(server, "v1/assignments")).AsArray()
            .Select(a => a!["assignment"]!)
            .Count(a => a["workload"]!.GetValue<string>().StartsWith("default/" + prefix, StringComparison.Ordinal) && a["state"]!.GetValue<string>() == "Running");

    private async Task<List<JsonNode>> EventsAsync(ServerProcess server, string type, string subject)
    {
        var page = await GetAsync(server, string.Create(CultureInfo.InvariantCulture, $"v1/events?after=0&limit=1000"));
        return [.. page["events"]!.AsArray().Select(e => e!)
            .Where(e => e["type"]!.GetValue<string>() == type && e["subject"]!.GetValue<string>() == subject)];
    }
}
