using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary>A replica that keeps exiting non-zero is retried with backoff, then Failed after the workload's maximum.</summary>
public sealed class RetryTests
{
    [Fact(Timeout = 90_000)]
    public async Task FailingReplica_RetriedWithBackoff_FailedAfterMaxAttempts()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.AddAgentAsync("n1", "zone-a");

        // Two attempts: one retry after the first backoff (5 s), then Failed.
        Assert.Equal(200, (int)(await cluster.ApplyAsync(Workloads.Crasher("crasher", cluster.WorkDirectory, maxAttempts: 2))).Status);

        var failed = await Eventually.ValueAsync(async () => (await cluster.EventsAsync("WorkloadFailed", "default/crasher/0")).FirstOrDefault(), "the replica to be Failed");
        var retries = await cluster.EventsAsync("RetryTriggered", "default/crasher/0");
        var retry = Assert.Single(retries);
        Assert.Contains("exit code 3", retry["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("after 2 attempt(s)", failed["message"]!.GetValue<string>(), StringComparison.Ordinal);
        // The backoff really waited: the two starts are at least most of the 5 s apart.
        var waited = failed["time"]!.GetValue<DateTimeOffset>() - retry["time"]!.GetValue<DateTimeOffset>();
        Assert.True(waited >= TimeSpan.FromSeconds(4), $"retry came after {waited}, not after the 5 s backoff");
        Assert.Equal(2, cluster.ReplicaFile("crasher-0").Count);
        Assert.Equal("Failed", (await cluster.AssignmentsAsync("crasher")).Single()["state"]!.GetValue<string>());
    }
}
