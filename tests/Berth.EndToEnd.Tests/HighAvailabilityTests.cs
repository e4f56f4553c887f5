using System.Diagnostics;
using System.Globalization;
using Berth.EndToEnd.Tests.Fixtures;
using Xunit.Abstractions;

namespace Berth.EndToEnd.Tests;

/// <summary>
/// Three <c>berth server</c> replicas on one etcd: the leader is killed, then etcd is restarted, and scheduling carries
/// on with every accepted write kept and no replica placed twice.
/// </summary>
public sealed class HighAvailabilityTests(ITestOutputHelper output)
{
    private const int Nodes = 8;
    private const int PodsPerNode = 5;
    private const int ReplicasPerWorkload = 3;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    private static string Manifest(string name) => $$"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: {{name}}}
        spec:
          replicas: {{ReplicasPerWorkload}}
          containers:
            - name: main
              command: [sleep, "300"]
              resources:
                requests: {cpu: 100m, memory: 32Mi}
        """;

    [EtcdFact(Timeout = 150_000)]
    public Task KillLeaderThenRestartEtcd_NewLeaderInTimeAndEveryAcceptedWorkloadPlacedOnce() =>
        // The whole scenario is bounded: a hung step fails the test instead of stalling the run.
        FailoverScenarioAsync().WaitAsync(TimeSpan.FromSeconds(120));

    private async Task FailoverScenarioAsync()
    {
        await using var cluster = await HaCluster.StartAsync(3, Lease);
        var any = cluster.Servers.Values.First();
        var (leaderId, firstTerm) = (await Eventually.ValueAsync(async () => await cluster.LeaderAsync(any, 3) is { } l ? Tuple.Create(l.Leader, l.Term) : null, "three servers and a leader")).ToValueTuple();
        // Until agents take several servers, the hollow nodes talk to a server that stays up.
        var survivor = cluster.Servers.First(s => s.Key != leaderId).Value;
        var agent = cluster.StartHollowNodes(survivor, Nodes, $"cpu=4,memory=8Gi,pods={PodsPerNode}");
        await Eventually.WaitAsync(async () =>
            (await cluster.TryGetAsync(survivor, "v1/nodes"))?.AsArray().Count(n => n!["status"]!["ready"]!.GetValue<bool>()) == Nodes,
            $"{Nodes} hollow nodes Ready; agent output:\n{agent.Output}");

        var accepted = new List<string>();
        await ApplyAsync(cluster, accepted, "before", 4);
        await WaitPlacedAsync(cluster, survivor, accepted, "the first workloads placed");

        // kill -9: the leader cannot resign; its lease must run out.
        var clock = Stopwatch.StartNew();
        cluster.Kill(leaderId);
        var (newLeader, newTerm) = (await Eventually.ValueAsync(async () =>
            await cluster.LeaderAsync(survivor, 2) is { } l && l.Leader != leaderId ? Tuple.Create(l.Leader, l.Term) : null,
            "a new leader", Lease + TimeSpan.FromSeconds(10))).ToValueTuple();
        var failover = clock.Elapsed;
        Assert.True(failover < Lease + TimeSpan.FromSeconds(2), $"a new leader ({newLeader}) took {failover.TotalSeconds:0.0} s after the leader was killed; the lease is {Lease.TotalSeconds} s");
        Assert.True(newTerm > firstTerm);
        output.WriteLine($"leader {leaderId} killed; {newLeader} leads (term {newTerm}) after {failover.TotalSeconds:0.00} s (lease {Lease.TotalSeconds} s)");

        await ApplyAsync(cluster, accepted, "after", 4);
        await WaitPlacedAsync(cluster, survivor, accepted, "every workload placed after the failover");

        // etcd goes away for longer than the leader can vouch for its lease, then comes back on the same data and ports:
        // the leader steps down, watches resume, and a leader is elected again.
        await cluster.Etcd.KillAsync();
        await Eventually.WaitAsync(async () =>
        {
            foreach (var server in cluster.Servers.Values)
            {
                if ((await cluster.TryGetTextAsync(server, "metrics"))?.Contains("\nberth_leader 1", StringComparison.Ordinal) != false)
                {
                    return false;
                }
            }
            return true;
        }, "the leader to step down while etcd is away");
        clock.Restart();
        await cluster.Etcd.RestartAsync();
        var ready = await ReadyAsync(cluster, survivor, Eventually.Limit);
        Assert.True(ready, "every server ready again after etcd restarted:\n" + await cluster.DescribeAsync());
        output.WriteLine($"etcd restarted; every server ready with a leader {clock.Elapsed.TotalSeconds:0.00} s after the restart began");
        await ApplyAsync(cluster, accepted, "restarted", 1);
        await WaitPlacedAsync(cluster, survivor, accepted, "every workload placed after etcd restarted");

        await AssertConvergedAsync(cluster, accepted);
        foreach (var (id, server) in cluster.Servers)
        {
            // What each server went through, for the record: step-downs, elections, store outages it rode out.
            foreach (var line in server.Process.Output.Split('\n').Where(l => l.Contains(" leads ", StringComparison.Ordinal)
                || l.Contains("stepped down", StringComparison.Ordinal) || l.Contains("could not renew", StringComparison.Ordinal)
                || l.Contains("cannot reach the store", StringComparison.Ordinal)))
            {
                output.WriteLine($"{id}: {line.Trim()}");
            }
        }
    }

    // True once every running server answers /readyz 200 and two servers and a leader are registered, within limit.
    private static async Task<bool> ReadyAsync(HaCluster cluster, ServerProcess survivor, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            bool ready = true;
            foreach (var server in cluster.Servers.Values)
            {
                ready &= await cluster.TryGetAsync(server, "readyz") is not null;
            }
            if (ready && await cluster.LeaderAsync(survivor, 2) is not null)
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }

    // Applies count workloads, alternating over the running servers; every apply that answered 200 is remembered.
    private static async Task ApplyAsync(HaCluster cluster, List<string> accepted, string prefix, int count)
    {
        var servers = cluster.Servers.Values.ToList();
        for (int i = 0; i < count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}");
            var server = servers[i % servers.Count];
            await Eventually.WaitAsync(() => cluster.TryApplyAsync(server, Manifest(name)), $"{server.Address} to accept workload {name}");
            accepted.Add(name);
        }
    }

    private static async Task WaitPlacedAsync(HaCluster cluster, ServerProcess server, IReadOnlyList<string> workloads, string what) =>
        await Eventually.WaitAsync(async () =>
        {
            var assignments = await cluster.TryGetAsync(server, "v1/assignments");
            if (assignments is null)
            {
                return false;
            }
            var placed = assignments.AsArray().Select(a => a!["assignment"]!["workload"]!.GetValue<string>()).ToList();
            return workloads.All(w => placed.Count(p => p == "default/" + w) == ReplicasPerWorkload);
        }, what);

    private static async Task AssertConvergedAsync(HaCluster cluster, IReadOnlyList<string> accepted)
    {
        foreach (var server in cluster.Servers.Values)
        {
            // No accepted write lost: every workload whose apply answered 200 is there, on every server.
            var names = (await cluster.GetAsync(server, "v1/workloads")).AsArray().Select(w => w!["name"]!.GetValue<string>()).ToHashSet();
            Assert.All(accepted, name => Assert.Contains(name, names));
        }
        var any = cluster.Servers.Values.First();
        var assignments = (await cluster.GetAsync(any, "v1/assignments")).AsArray().Select(a => a!["assignment"]!).ToList();
        Assert.Equal(accepted.Count * ReplicasPerWorkload, assignments.Count);
        // No node over capacity: pods is the tight resource here.
        var perNode = assignments.GroupBy(a => a["node"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(perNode, pair => Assert.True(pair.Value <= PodsPerNode, $"node {pair.Key} holds {pair.Value} replicas, more than its {PodsPerNode} pods"));
        // No replica placed twice: one WorkloadScheduled per replica over the whole history (no node was lost, so none moved).
        var scheduled = (await cluster.EventsAsync(any))
            .Where(e => e["type"]!.GetValue<string>() == "WorkloadScheduled")
            .GroupBy(e => e["subject"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.All(scheduled, pair => Assert.True(pair.Value == 1, $"{pair.Key} was scheduled {pair.Value} times"));
        Assert.Equal(accepted.Count * ReplicasPerWorkload, scheduled.Count);
        // Every server agrees on the leader.
        var leaders = new HashSet<string>();
        foreach (var server in cluster.Servers.Values)
        {
            leaders.Add((await cluster.GetAsync(server, "readyz"))["leader"]!.GetValue<string>());
        }
        Assert.Single(leaders);
    }
}
