using System.Text.Json.Nodes;
using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary><c>berth dev</c> as a user runs it: one process that brings up a server and three agents, and takes them all down.</summary>
public sealed class DevCommandTests
{
    private const string ReadyPrefix = "berth dev is ready: API ";
    private const string StorePrefix = "berth dev: fresh store in ";

    [Fact(Timeout = 90_000)]
    public async Task Dev_StartedThenInterrupted_ThreeReadyZonedNodesThenNoProcessOrDataLeft()
    {
        using var dev = BerthProcess.Start("berth dev", ["dev", "--port", "0"]);
        var ready = await dev.WaitForLineAsync(l => l.StartsWith(ReadyPrefix, StringComparison.Ordinal), "its ready line", TimeSpan.FromSeconds(60));
        var store = await dev.WaitForLineAsync(l => l.StartsWith(StorePrefix, StringComparison.Ordinal), "where its store is");
        var dataDirectory = store[StorePrefix.Length..].Split(" (", 2)[0];
        var address = new Uri(ready[ReadyPrefix.Length..].Split(' ', 2)[0]);
        await dev.WaitForLineAsync(l => l.Contains($"export BERTH_ADDR=http://127.0.0.1:{address.Port}", StringComparison.Ordinal), "how to reach a non-default port");

        using var http = new HttpClient { BaseAddress = address };
        var nodes = JsonNode.Parse(await http.GetStringAsync("v1/nodes"))!.AsArray();
        Assert.Equal(
            ["dev-1 zone-a True", "dev-2 zone-b True", "dev-3 zone-c True"],
            nodes.Select(n => $"{n!["name"]} {n["spec"]!["labels"]!["topology.kubernetes.io/zone"]} {(bool)n["status"]!["ready"]!}").Order(StringComparer.Ordinal));
        Assert.Empty(JsonNode.Parse(await http.GetStringAsync("v1/workloads"))!.AsArray());
        var children = ProcessTable.Descendants(dev.Id);
        Assert.True(children.Count >= 3, $"expected three agent processes under berth dev, found {children.Count}");

        // An agent that dies is reported, not silently lost.
        var agentPids = children.Where(pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains("dev-3", StringComparison.Ordinal)).ToList();
        Assert.Single(agentPids);
        using (var agent = System.Diagnostics.Process.GetProcessById(agentPids[0]))
        {
            agent.Kill(entireProcessTree: true);
        }
        await dev.WaitForLineAsync(l => l.Contains("agent dev-3 exited unexpectedly", StringComparison.Ordinal), "that agent dev-3 died");

        dev.Signal(2);

        if (await Task.WhenAny(dev.Exited, Task.Delay(TimeSpan.FromSeconds(30))) != dev.Exited)
        {
            Assert.Fail($"berth dev did not stop within 30 s of SIGINT; output:\n{dev.Output}");
        }
        Assert.True(dev.ExitCode == 0, dev.Output);
        Assert.All(children, pid => Assert.False(ProcessTable.IsAlive(pid), $"process {pid} that berth dev started still runs"));
        Assert.False(Directory.Exists(dataDirectory), $"{dataDirectory} was not removed");
    }

    [Fact(Timeout = 90_000)]
    public async Task Dev_KilledWithSigkill_ItsAgentsExitToo()
    {
        using var dev = BerthProcess.Start("berth dev", ["dev", "--port", "0"]);
        await dev.WaitForLineAsync(l => l.StartsWith(ReadyPrefix, StringComparison.Ordinal), "its ready line", TimeSpan.FromSeconds(60));
        var store = await dev.WaitForLineAsync(l => l.StartsWith(StorePrefix, StringComparison.Ordinal), "where its store is");
        var dataDirectory = store[StorePrefix.Length..].Split(" (", 2)[0];
        var agents = ProcessTable.Descendants(dev.Id)
            .Where(pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains("dev-", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(3, agents.Count);
        try
        {
            // No chance to clean up: only the kernel closing berth dev's pipes tells the agents.
            dev.Signal(9);
            await dev.Exited.WaitAsync(TimeSpan.FromSeconds(10));

            await Eventually.WaitAsync(() => agents.All(pid => !ProcessTable.IsAlive(pid)), "the agents of the killed berth dev to exit", TimeSpan.FromSeconds(30));
        }
        finally
        {
            // Whatever the outcome, nothing this test started stays behind.
            foreach (var pid in agents.Where(ProcessTable.IsAlive))
            {
                using var left = System.Diagnostics.Process.GetProcessById(pid);
                left.Kill(entireProcessTree: true);
            }
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }
}
