using System.Text.Json.Nodes;
using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary>The server is killed mid-run and started again on the same data directory.</summary>
public sealed class ServerRestartTests
{
    [Fact(Timeout = 90_000)]
    public async Task RestartServer_MidRun_KeepsStateAndRetriesAndRunsNothingTwice()
    {
        // Default graces (15 s): the restart takes a few seconds, so nodes stay Ready and nothing is moved.
        await using var cluster = await TestCluster.StartAsync();
        await cluster.AddAgentsAsync([("n1", "zone-a"), ("n2", "zone-b")]);
        Assert.Equal(200, (int)(await cluster.ApplyAsync(Workloads.Sleeper("sleeper", 2, cluster.WorkDirectory))).Status);
        Assert.Equal(200, (int)(await cluster.ApplyAsync(Workloads.Crasher("crasher", cluster.WorkDirectory, maxAttempts: 2))).Status);
        await Eventually.WaitAsync(async () =>
            (await cluster.AssignmentsAsync("sleeper")).Count(a => a["state"]!.GetValue<string>() == "Running") == 2
            && (await cluster.EventsAsync("RetryTriggered", "default/crasher/0")).Count == 1,
            "the sleepers Running and the crasher's first retry scheduled");
        var workloads = (await cluster.GetAsync("v1/workloads")).ToJsonString();
        var sleepers = await cluster.AssignmentsAsync("sleeper");
        var sleeperStarts = Enumerable.Range(0, 2).Select(r => cluster.ReplicaFile($"sleeper-{r}")).ToList();
        // The retry is due 5 s after the failure; the restart below happens inside that wait.
        Assert.Single(cluster.ReplicaFile("crasher-0"));

        await cluster.RestartServerAsync();
        var restartedAt = DateTimeOffset.UtcNow;

        Assert.Equal(workloads, (await cluster.GetAsync("v1/workloads")).ToJsonString());
        Assert.Equal(Describe(sleepers), Describe(await cluster.AssignmentsAsync("sleeper")));
        // Retry state survived: the pending retry runs on the new server and the replica fails after 2 attempts in all.
        var failed = await Eventually.ValueAsync(async () => (await cluster.EventsAsync("WorkloadFailed", "default/crasher/0")).FirstOrDefault(), "the crasher's retry and final failure");
        Assert.Contains("after 2 attempt(s)", failed["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, cluster.ReplicaFile("crasher-0").Count);
        // Both agents have talked to the new server, and the sleepers were neither restarted nor duplicated.
        await Eventually.WaitAsync(async () =>
        {
            var nodes = (await cluster.GetAsync("v1/nodes")).AsArray();
            return nodes.Count == 2 && nodes.All(n => n!["lastHeartbeat"]?.GetValue<DateTimeOffset>() > restartedAt);
        }, "both agents to heartbeat to the restarted server");
        for (int replica = 0; replica < 2; replica++)
        {
            Assert.Equal(sleeperStarts[replica], cluster.ReplicaFile($"sleeper-{replica}"));
            Assert.True(ProcessTable.IsAlive(int.Parse(sleeperStarts[replica][0].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)));
        }
        Assert.All(await cluster.AssignmentsAsync("sleeper"), a => Assert.Equal("Running", a["state"]!.GetValue<string>()));
    }

    private static List<string> Describe(IEnumerable<JsonNode> assignments) =>
        assignments.Select(a => $"{a["replica"]} {a["node"]} {a["workloadRevision"]} {a["state"]}").ToList();
}
