using System.Text.Json.Nodes;
using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary>
/// The local fleet provider under a real <c>berth server</c>: fleet placement fills a pool's one-node cluster, and the
/// next job makes the provider start a new cluster's <c>berth agent</c> as a child of the server, which registers with
/// the fleet labels and runs the job; stopping the server stops every agent it started.
/// </summary>
public sealed class FleetLocalProviderTests
{
    private static readonly string Lab = Path.Combine(RepositoryRoot(), "examples", "fleet", "lab");

    [Fact(Timeout = 180_000)]
    public async Task Apply_PoolsOnlyClusterFull_LocalProviderStartsANewClustersAgent()
    {
        await using var cluster = await TestCluster.StartAsync();
        var (code, output) = await cluster.CliAsync("apply", "-f", Path.Combine(Lab, "lab-fleet.yaml"));
        Assert.True(code == 0, output);

        (code, output) = await cluster.CliAsync("apply", "-f", Path.Combine(Lab, "lab-job-a.yaml"));
        Assert.True(code == 0, output);
        var first = await Eventually.ValueAsync(async () => ReadyClusters(await cluster.GetAsync("v1/fleet/clusters")).SingleOrDefault(), "lab-job-a's cluster Ready");
        var firstName = first["name"]!.GetValue<string>();
        await Eventually.WaitAsync(async () => (await cluster.AssignmentsAsync($"lab-job-a-{firstName}")).Any(a => a["state"]!.GetValue<string>() == "Running"),
            $"lab-job-a Running in {firstName}");

        (code, output) = await cluster.CliAsync("apply", "-f", Path.Combine(Lab, "lab-job-b.yaml"));
        Assert.True(code == 0, output);
        var second = await Eventually.ValueAsync(async () =>
            ReadyClusters(await cluster.GetAsync("v1/fleet/clusters")).SingleOrDefault(c => c["name"]!.GetValue<string>() != firstName),
            "a second lab cluster Ready");
        var secondName = second["name"]!.GetValue<string>();
        var secondNode = second["nodes"]![0]!.GetValue<string>();
        await Eventually.WaitAsync(async () => (await cluster.AssignmentsAsync($"lab-job-b-{secondName}")).Any(a => a["state"]!.GetValue<string>() == "Running" && a["node"]!.GetValue<string>() == secondNode),
            $"lab-job-b Running on {secondNode}");

        var node = (await cluster.NodeAsync(secondNode))!;
        Assert.Equal(secondName, node["spec"]!["labels"]!["berth.dev/cluster"]!.GetValue<string>());
        Assert.Equal("lab", node["spec"]!["labels"]!["berth.dev/pool"]!.GetValue<string>());
        var agents = AgentsUnder(cluster.Server.Process.Id);
        Assert.Equal(new[] { $"{firstName}-1", secondNode }.Order(StringComparer.Ordinal), agents.Keys.Order(StringComparer.Ordinal));
        var (getCode, table) = await cluster.CliAsync("get", "clusters");
        Assert.Equal(0, getCode);
        Assert.Equal(2, table.Split('\n').Count(l => l.Contains(" lab ", StringComparison.Ordinal) && l.Contains("local", StringComparison.Ordinal) && l.Contains("1/1", StringComparison.Ordinal)));

        // A graceful stop of the server stops the agents it started, and their replicas with them.
        var replicas = agents.Values.SelectMany(ProcessTable.Descendants).ToList();
        cluster.Server.Process.Signal(15);
        await cluster.Server.Process.Exited.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(agents, a => Assert.False(ProcessTable.IsAlive(a.Value), $"agent {a.Key} (pid {a.Value}) outlived the server"));
        Assert.All(replicas, pid => Assert.False(ProcessTable.IsAlive(pid), $"replica pid {pid} outlived the server"));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Berth.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Berth.slnx not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<JsonNode> ReadyClusters(JsonNode clusters) =>
        clusters["clusters"]!.AsArray().Select(c => c!)
            .Where(c => c["phase"]!.GetValue<string>() == "Ready" && c["readyNodes"]!.GetValue<int>() == c["nodes"]!.AsArray().Count);

    // The berth agent processes under the server, by the --name they were given.
    private static Dictionary<string, int> AgentsUnder(int server)
    {
        var agents = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pid in ProcessTable.Descendants(server))
        {
            string[] args;
            try
            {
                args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            }
            catch (IOException)
            {
                continue;
            }
            int name = Array.IndexOf(args, "--name");
            if (args.Contains("agent") && name >= 0 && name + 1 < args.Length)
            {
                agents[args[name + 1]] = pid;
            }
        }
        return agents;
    }
}
