using System.Text.Json.Nodes;
using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary>
/// examples/fleet-consolidation on a real server: two fleet workloads end up in two clusters of pool east, one of them
/// is left underused, and `berth rebalance` drains it into the other and deletes it while every workload keeps its
/// replicas Running.
/// </summary>
public sealed class FleetConsolidationTests
{
    [Fact(Timeout = 150_000)]
    public async Task Rebalance_UnderusedCluster_IsDrainedAndDeletedWithoutLossOfAvailability()
    {
        // The periodic pass is an hour away, so that this test's `berth rebalance` is the one that consolidates.
        await using var cluster = await TestCluster.StartAsync("--fleet-rebalance-interval", "1h");
        var examples = Path.Combine(RepositoryRoot(), "examples", "fleet-consolidation");
        Assert.Equal(0, (await cluster.CliAsync("apply", "-f", Path.Combine(examples, "shop-pool.yaml"))).Code);

        // cart takes a quarter of a first cluster; ballast (a plain workload pinned there) fills it past the 80% threshold,
        // so checkout needs a second cluster.
        Assert.Equal(0, (await cluster.CliAsync("apply", "-f", Path.Combine(examples, "cart.yaml"))).Code);
        var first = (await RunningAsync(cluster, "cart"))["shares"]![0]!["cluster"]!.GetValue<string>();
        var ballast = Path.Combine(cluster.WorkDirectory, "ballast.yaml");
        await File.WriteAllTextAsync(ballast, $$$"""
            apiVersion: berth.dev/v1
            kind: Workload
            metadata: {name: ballast}
            spec:
              replicas: 1
              nodeSelector: {berth.dev/cluster: {{{first}}}}
              containers:
                - name: main
                  command: [sleep, "600"]
                  resources: {requests: {cpu: 2500m, memory: 256Mi}}
            """);
        Assert.Equal(0, (await cluster.CliAsync("apply", "-f", ballast)).Code);
        await Eventually.WaitAsync(async () => (await cluster.AssignmentsAsync("ballast")).Any(a => a["state"]!.GetValue<string>() == "Running"), "ballast Running");
        Assert.Equal(0, (await cluster.CliAsync("apply", "-f", Path.Combine(examples, "checkout.yaml"))).Code);
        var second = (await RunningAsync(cluster, "checkout"))["shares"]![0]!["cluster"]!.GetValue<string>();
        Assert.NotEqual(first, second);

        // Without ballast both clusters are a quarter used, under the policy's 30%: one drains into the other.
        Assert.Equal(0, (await cluster.CliAsync("delete", "workload", "ballast")).Code);
        await Eventually.WaitAsync(async () => (await cluster.AssignmentsAsync("ballast")).Count == 0, "ballast gone");

        using var stop = new CancellationTokenSource();
        var fewest = new Dictionary<string, int>(StringComparer.Ordinal) { ["cart"] = int.MaxValue, ["checkout"] = int.MaxValue };
        var samples = 0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var all = (await cluster.GetAsync("v1/assignments")).AsArray().Select(a => a!["assignment"]!).ToList();
                foreach (var workload in fewest.Keys.ToList())
                {
                    var running = all.Count(a => a["workload"]!.GetValue<string>().StartsWith("default/" + workload + "-", StringComparison.Ordinal)
                        && a["state"]!.GetValue<string>() == "Running");
                    fewest[workload] = Math.Min(fewest[workload], running);
                }
                samples++;
                await Task.Delay(50, CancellationToken.None);
            }
        });

        var (code, output) = await cluster.CliAsync("rebalance");
        await Task.Delay(500, CancellationToken.None);
        await stop.CancelAsync();
        await sampler;

        Assert.True(code == 0, output);
        Assert.Contains("trigger  Consolidation: cluster ", output, StringComparison.Ordinal);
        var deleted = output.Split('\n').Single(l => l.StartsWith("deleted  cluster ", StringComparison.Ordinal))["deleted  cluster ".Length..].Trim();
        var kept = deleted == first ? second : first;
        Assert.Contains(deleted, new[] { first, second });
        var clusters = (await cluster.GetAsync("v1/fleet/clusters"))["clusters"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Equal([kept], clusters);
        foreach (var workload in new[] { "cart", "checkout" })
        {
            var view = await RunningAsync(cluster, workload);
            var share = Assert.Single(view["shares"]!.AsArray());
            Assert.Equal(kept, share!["cluster"]!.GetValue<string>());
            Assert.All(await cluster.AssignmentsAsync(share["workload"]!.GetValue<string>()),
                a => Assert.StartsWith(kept + "-", a["node"]!.GetValue<string>(), StringComparison.Ordinal));
        }
        Assert.True(samples > 3, $"only {samples} availability samples");
        Assert.True(fewest["cart"] >= 1 && fewest["checkout"] >= 2,
            $"availability dropped during the move: cart {fewest["cart"]}, checkout {fewest["checkout"]} Running at the lowest");
    }

    private static Task<JsonNode> RunningAsync(TestCluster cluster, string workload) => Eventually.ValueAsync(async () =>
    {
        var (status, body) = await cluster.GetTextAsync("v1/fleet/workloads/default/" + workload);
        var view = status == System.Net.HttpStatusCode.OK ? JsonNode.Parse(body) : null;
        return view?["phase"]?.GetValue<string>() == "Running" ? view : null;
    }, workload + " Running in its fleet shares");

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
