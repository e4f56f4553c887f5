using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary>An agent process dies: its node turns NotReady, then lost, and its replicas move to the other nodes.</summary>
public sealed class NodeLossTests
{
    [Fact(Timeout = 90_000)]
    public async Task KillAgent_AfterBothGraces_ReplicasRescheduledOnOtherNodesWithEvents()
    {
        // Short graces so the test takes seconds: NotReady 3 s after the last beat (ten missed beats, so a busy
        // machine does not flap the live nodes), lost 2 s after that.
        await using var cluster = await TestCluster.StartAsync("--heartbeat-grace", "3s", "--lost-grace", "2s");
        await cluster.AddAgentsAsync([("n1", "zone-a"), ("n2", "zone-b"), ("n3", "zone-c")], "--heartbeat-interval", "300ms");
        Assert.Equal(200, (int)(await cluster.ApplyAsync(Workloads.Sleeper("sleeper", 3, cluster.WorkDirectory))).Status);
        await Eventually.WaitAsync(async () =>
            (await cluster.AssignmentsAsync("sleeper")).Count(a => a["state"]!.GetValue<string>() == "Running") == 3,
            "three replicas Running");
        var before = await cluster.AssignmentsAsync("sleeper");
        var lostNode = before[0]["node"]!.GetValue<string>();
        var moved = before.Where(a => a["node"]!.GetValue<string>() == lostNode).Select(a => a["replica"]!.GetValue<int>()).ToList();
        var oldPids = moved.Select(r => int.Parse(cluster.ReplicaFile($"sleeper-{r}")[0].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();

        // The whole tree, as when a machine goes away: its replicas die with it.
        cluster.Agents[lostNode].Kill();

        await Eventually.WaitAsync(async () => (await cluster.NodeAsync(lostNode))?["status"]?["ready"]?.GetValue<bool>() == false, $"node {lostNode} NotReady");
        await Eventually.WaitAsync(async () =>
        {
            var now = await cluster.AssignmentsAsync("sleeper");
            return now.Count == 3 && now.All(a => a["node"]!.GetValue<string>() != lostNode && a["state"]!.GetValue<string>() == "Running");
        }, $"every replica Running away from {lostNode}");
        Assert.NotEmpty(await cluster.EventsAsync("NodeNotReady", lostNode));
        Assert.NotEmpty(await cluster.EventsAsync("NodeLost", lostNode));
        foreach (var replica in moved)
        {
            // A lost node's replicas are released (their assignments removed), then placed on a Ready node: Rescheduled,
            // naming the node it left and the one it went to.
            Assert.NotEmpty(await cluster.EventsAsync("ReplicaReleased", $"default/sleeper/{replica}"));
            var rescheduled = Assert.Single(await cluster.EventsAsync("Rescheduled", $"default/sleeper/{replica}"));
            var placedOn = (await cluster.AssignmentsAsync("sleeper")).Single(a => a["replica"]!.GetValue<int>() == replica)["node"]!.GetValue<string>();
            Assert.StartsWith($"replica default/sleeper/{replica} moved from node {lostNode} to node {placedOn}: ", rescheduled["message"]!.GetValue<string>(), StringComparison.Ordinal);
            // Started again elsewhere: a second start recorded, on another node, by a live process.
            await Eventually.WaitAsync(() => cluster.ReplicaFile($"sleeper-{replica}").Count >= 2, $"replica {replica} started again");
            var again = cluster.ReplicaFile($"sleeper-{replica}")[^1].Split(' ');
            Assert.NotEqual(lostNode, again[1]);
            Assert.True(ProcessTable.IsAlive(int.Parse(again[0], System.Globalization.CultureInfo.InvariantCulture)));
        }
        Assert.All(oldPids, pid => Assert.False(ProcessTable.IsAlive(pid), $"replica process {pid} of the lost node still runs"));
    }
}
