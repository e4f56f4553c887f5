using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary>Apply a workload through the command line; its replicas run as processes under the agents.</summary>
public sealed class ApplyTests
{
    [Fact(Timeout = 90_000)]
    public async Task Apply_ThreeReplicasOverThreeZones_RunsOneProcessPerReplicaUnderEachAgent()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.AddAgentsAsync([("n1", "zone-a"), ("n2", "zone-b"), ("n3", "zone-c")]);
        var manifest = Path.Combine(cluster.WorkDirectory, "..", "sleeper.yaml");
        await File.WriteAllTextAsync(manifest, Workloads.Sleeper("sleeper", 3, cluster.WorkDirectory, spreadOverZones: true));

        var (code, output) = await cluster.CliAsync("apply", "-f", manifest);

        Assert.True(code == 0, output);
        await Eventually.WaitAsync(async () =>
            (await cluster.AssignmentsAsync("sleeper")).Count(a => a["state"]!.GetValue<string>() == "Running") == 3
            && Enumerable.Range(0, 3).All(r => cluster.ReplicaFile($"sleeper-{r}").Count == 1),
            "three replicas Running, each with its start recorded");
        var assignments = await cluster.AssignmentsAsync("sleeper");
        Assert.Equal(3, assignments.Select(a => a["node"]!.GetValue<string>()).Distinct().Count());
        foreach (var assignment in assignments)
        {
            var node = assignment["node"]!.GetValue<string>();
            var start = cluster.ReplicaFile($"sleeper-{assignment["replica"]}").Single().Split(' ');
            int pid = int.Parse(start[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(node, start[1]);
            Assert.True(ProcessTable.IsAlive(pid), $"replica process {pid} on {node} is not running");
            Assert.Contains(pid, ProcessTable.Descendants(cluster.Agents[node].Id));
        }
        var (getCode, replicas) = await cluster.CliAsync("get", "replicas");
        Assert.Equal(0, getCode);
        Assert.Equal(3, replicas.Split('\n').Count(l => l.Contains("default/sleeper", StringComparison.Ordinal) && l.Contains("Running", StringComparison.Ordinal)));
    }
}
