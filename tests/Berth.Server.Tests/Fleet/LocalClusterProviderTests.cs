using System.Diagnostics;
using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Server.Fleet;

namespace Berth.Server.Tests.Fleet;

public sealed class LocalClusterProviderTests
{
    private static readonly Uri Server = new("http://127.0.0.1:1/");

    // Stands in for berth agent: a process that runs until killed and ignores the agent's arguments ($0 is "sh").
    private static readonly AgentCommandLine Sleeper = new("/bin/sh", ["-c", "exec sleep 300", "sh"]);

    private static FleetCluster Cluster(string name = "us-east-0a1b") =>
        new(name, "us-east", "us-east", FleetProviderTypes.Local, "medium", [], FleetClusterPhase.Creating, DateTimeOffset.UnixEpoch);

    [Fact]
    public void AgentArguments_Node_CarriesNameServerFleetLabelsAndClassCapacity()
    {
        var args = LocalClusterProvider.AgentArguments(Server, Cluster(), FleetSpecs.Pool(region: "us-east-1"), FleetSpecs.NodeClass(cores: 2, memoryGi: 8), "us-east-0a1b-1");

        Assert.Equal(
            [
                "agent", "--server", "http://127.0.0.1:1/", "--name", "us-east-0a1b-1",
                "--labels", "topology.kubernetes.io/region=us-east-1,berth.dev/pool=us-east,berth.dev/cluster=us-east-0a1b,berth.dev/node-class=medium",
                "--capacity", "cpu=2,memory=8Gi,ephemeral-storage=100Gi", "--exit-with-stdin",
            ],
            args);
    }

    [Theory]
    [InlineData(4, 16, 50, 0, "cpu=4,memory=16Gi,ephemeral-storage=50Gi")]
    [InlineData(8, 64, 200, 2, "cpu=8,memory=64Gi,ephemeral-storage=200Gi,nvidia.com/gpu=2")]
    public void Capacity_Resources_AgentCapacityText(int cores, int memoryGi, int storageGi, int gpus, string expected) =>
        Assert.Equal(expected, LocalClusterProvider.Capacity(new NodeClassResources(cores, memoryGi, storageGi, gpus)));

    [Fact]
    public async Task AddNodeAsync_NoAgentCommand_ThrowsNamingNode()
    {
        using var provider = new LocalClusterProvider(null, () => Server);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.AddNodeAsync(Cluster(), FleetSpecs.Pool(), FleetSpecs.NodeClass(), "n-1", default));

        Assert.Equal(FleetMessages.NoAgentCommand("n-1"), e.Message);
        Assert.Empty(provider.ProcessIds);
    }

    [Fact]
    public async Task AddNodeAsync_MissingProgram_ThrowsNamingProgram()
    {
        using var provider = new LocalClusterProvider(new AgentCommandLine("/nonexistent/berth", []), () => Server);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.AddNodeAsync(Cluster(), FleetSpecs.Pool(), FleetSpecs.NodeClass(), "n-1", default));

        Assert.Contains("/nonexistent/berth", e.Message, StringComparison.Ordinal);
        Assert.Empty(provider.ProcessIds);
    }

    [Fact]
    public async Task RemoveNodeAsync_StartedNode_ProcessEnds()
    {
        using var provider = new LocalClusterProvider(Sleeper, () => Server);
        await provider.AddNodeAsync(Cluster(), FleetSpecs.Pool(), FleetSpecs.NodeClass(), "n-1", default);
        int pid = provider.ProcessIds["n-1"];
        Assert.True(IsRunning(pid));

        await provider.RemoveNodeAsync(Cluster(), "n-1", default);

        Assert.Empty(provider.ProcessIds);
        Assert.False(IsRunning(pid));
    }

    [Fact]
    public async Task AddNodeAsync_SameNodeTwice_StartsOneProcess()
    {
        using var provider = new LocalClusterProvider(Sleeper, () => Server);
        await provider.AddNodeAsync(Cluster(), FleetSpecs.Pool(), FleetSpecs.NodeClass(), "n-1", default);
        int pid = provider.ProcessIds["n-1"];

        await provider.AddNodeAsync(Cluster(), FleetSpecs.Pool(), FleetSpecs.NodeClass(), "n-1", default);

        Assert.Equal(pid, provider.ProcessIds["n-1"]);
    }

    [Fact]
    public async Task DeleteClusterAsync_NodesLeft_StopsOnlyThatClustersAgents()
    {
        using var provider = new LocalClusterProvider(Sleeper, () => Server);
        await provider.AddNodeAsync(Cluster("a-0001"), FleetSpecs.Pool(), FleetSpecs.NodeClass(), "a-0001-1", default);
        await provider.AddNodeAsync(Cluster("b-0001"), FleetSpecs.Pool(), FleetSpecs.NodeClass(), "b-0001-1", default);
        int gone = provider.ProcessIds["a-0001-1"];

        await provider.DeleteClusterAsync(Cluster("a-0001"), default);

        Assert.Equal(["b-0001-1"], provider.ProcessIds.Keys);
        Assert.False(IsRunning(gone));
    }

    [Fact]
    public async Task Dispose_RunningAgents_StopsEveryOne()
    {
        var provider = new LocalClusterProvider(Sleeper, () => Server);
        await provider.AddNodeAsync(Cluster(), FleetSpecs.Pool(), FleetSpecs.NodeClass(), "n-1", default);
        await provider.AddNodeAsync(Cluster(), FleetSpecs.Pool(), FleetSpecs.NodeClass(), "n-2", default);
        var pids = provider.ProcessIds.Values.ToList();

        provider.Dispose();

        Assert.All(pids, pid => Assert.False(IsRunning(pid)));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.AddNodeAsync(Cluster(), FleetSpecs.Pool(), FleetSpecs.NodeClass(), "n-3", default));
    }

    // A killed child is reaped by the runtime once waited for; /proc then has no live entry for it.
    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
