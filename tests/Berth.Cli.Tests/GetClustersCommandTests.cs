using System.Text.RegularExpressions;
using Berth.Cli.Tests.Fixtures;
using Berth.Core.Specs;

namespace Berth.Cli.Tests;

/// <summary><c>berth get clusters</c> against a running server whose simulated provider made a cluster.</summary>
public sealed class GetClustersCommandTests : RunningServerCliTests
{
    private static PoolSpec Pool() =>
        new("us-east", "us-east-1", new PoolProvider(FleetProviderTypes.Simulated, new Dictionary<string, string>()), PoolCapacity.Unlimited, null,
            ["medium"], new Dictionary<string, string>(), []);

    private static NodeClassSpec Medium() =>
        new("medium", new NodeClassResources(4, 16, 100, 0), new Dictionary<string, IReadOnlyDictionary<string, string>>(), new Dictionary<string, decimal>());

    [Fact]
    public void GetClusters_None_PrintsHeadersOnly()
    {
        var (code, output, error) = Cli("get", "clusters");

        Assert.True(code == 0, error);
        Assert.Matches(@"^NAME\s+POOL\s+REGION\s+PROVIDER\s+NODE CLASS\s+NODES\s+PHASE\s+CREATED\s*$", output);
    }

    [Fact]
    public async Task GetClusters_SimulatedCluster_ListsPoolRegionProviderAndReadyNodes()
    {
        var cluster = await Host.FleetClusters.CreateAsync(Pool(), Medium(), 2);

        var (code, output, error) = Cli("get", "clusters");

        Assert.True(code == 0, error);
        Assert.Matches($@"{Regex.Escape(cluster.Name)}\s+us-east\s+us-east-1\s+simulated\s+medium\s+2/2\s+Ready\s+\d{{4}}-", output);
    }

    [Fact]
    public async Task GetClusters_Wide_AddsNodeNames()
    {
        var cluster = await Host.FleetClusters.CreateAsync(Pool(), Medium(), 2);

        var (code, output, _) = Cli("get", "clusters", "-o", "wide");

        Assert.Equal(0, code);
        Assert.Contains($"{cluster.Name}-1,{cluster.Name}-2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetClusters_Json_HasPhaseAndNodes()
    {
        var cluster = await Host.FleetClusters.CreateAsync(Pool(), Medium(), 1);

        var (code, output, _) = Cli("get", "clusters", "-o", "json");

        Assert.Equal(0, code);
        Assert.Contains($"\"name\": \"{cluster.Name}\"", output, StringComparison.Ordinal);
        Assert.Contains("\"phase\": \"Ready\"", output, StringComparison.Ordinal);
    }
}
