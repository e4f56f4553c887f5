using System.Text.Json.Nodes;
using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary>The fleet design's api-gateway applied to a real server: it lands per the production policy, with its explanation and cost.</summary>
public sealed class FleetPlacementTests
{
    [Fact(Timeout = 120_000)]
    public async Task Apply_ApiGatewayWithRequiredRegionsAndGdpr_LandsPerPolicyWithExplanationAndCost()
    {
        await using var cluster = await TestCluster.StartAsync();
        var manifests = Path.Combine(cluster.WorkDirectory, "..", "fleet");
        Directory.CreateDirectory(manifests);
        var examples = Path.Combine(RepositoryRoot(), "examples", "fleet");
        foreach (var file in Directory.GetFiles(examples, "*.yaml"))
        {
            // The design's pools, on hollow nodes: six nodes (two clusters of the policy's minNodes 3) cost no processes.
            var text = (await File.ReadAllTextAsync(file)).Replace("type: local", "type: simulated", StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(manifests, Path.GetFileName(file)), text);
        }

        var (code, output) = await cluster.CliAsync("apply", "-f", manifests);

        Assert.True(code == 0, output);
        var fleet = await Eventually.ValueAsync(async () =>
        {
            var (status, body) = await cluster.GetTextAsync("v1/fleet/workloads/default/api-gateway");
            var view = status == System.Net.HttpStatusCode.OK ? JsonNode.Parse(body) : null;
            return view?["phase"]?.GetValue<string>() == "Running" ? view : null;
        }, "api-gateway's three replicas Running in its fleet shares");
        var shares = fleet["shares"]!.AsArray().Select(s => (Pool: s!["pool"]!.GetValue<string>(), Replicas: s["replicas"]!.GetValue<int>())).ToList();
        // us-east ranks first (more room left under its budget), so the replica past one per required region goes there.
        Assert.Equal([("us-east", 2), ("eu-west", 1)], shares);
        Assert.Equal("Placed in us-east (2) and eu-west (1) per requiredRegions [us-east, eu-west], minRegions 2, spread by region (maxSkew 1), "
            + "compliance [gdpr, soc2]; policy production-policy", fleet["reason"]!.GetValue<string>());
        var rejected = Assert.Single(fleet["rejected"]!.AsArray());
        Assert.Equal(("ap-south", "no gdpr compliance label"), (rejected!["pool"]!.GetValue<string>(), rejected["reason"]!.GetValue<string>()));
        // Each replica takes 2 of a medium node's 4 cores: half of 0.192/h.
        Assert.Equal(0.288m, fleet["hourlyCost"]!.GetValue<decimal>());
        Assert.Equal(207.36m, fleet["projected30DayCost"]!.GetValue<decimal>());
        // The fleet workload runs nothing itself; its derived workloads run on their clusters' nodes.
        Assert.Empty(await cluster.AssignmentsAsync("api-gateway"));
        foreach (var share in fleet["shares"]!.AsArray())
        {
            var derived = share!["workload"]!.GetValue<string>();
            var clusterName = share["cluster"]!.GetValue<string>();
            var assignments = await cluster.AssignmentsAsync(derived);
            Assert.Equal(share["replicas"]!.GetValue<int>(), assignments.Count);
            Assert.All(assignments, a => Assert.StartsWith(clusterName + "-", a["node"]!.GetValue<string>(), StringComparison.Ordinal));
        }

        var (describeCode, description) = await cluster.CliAsync("describe", "workload", "api-gateway");
        Assert.True(describeCode == 0, description);
        Assert.Contains("ap-south: no gdpr compliance label", description, StringComparison.Ordinal);
        Assert.Contains("3/3 running", description, StringComparison.Ordinal);
        Assert.Contains("0.288/h", description, StringComparison.Ordinal);
        Assert.Contains("projected 30 days 207.36", description, StringComparison.Ordinal);
        var (poolsCode, pools) = await cluster.CliAsync("get", "pools");
        Assert.True(poolsCode == 0, pools);
        // One cluster of three medium nodes at 0.192/h: 0.576/h, 414.72 over 30 days.
        var usEast = pools.Split('\n').Single(l => l.StartsWith("us-east ", StringComparison.Ordinal));
        Assert.Contains("3/100", usEast, StringComparison.Ordinal);
        Assert.Contains("0.58", usEast, StringComparison.Ordinal);
        Assert.Contains("414.72", usEast, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Berth.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Berth.slnx not found above " + AppContext.BaseDirectory);
    }
}
