using System.Text.RegularExpressions;
using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Server.Fleet;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Fleet;

public sealed partial class FleetClustersTests : IAsyncDisposable
{
    private readonly StateHarness _state = new();
    private readonly RecordingClusterProvider _provider = new();
    private readonly FleetClusters _clusters;

    public FleetClustersTests()
    {
        _clusters = new FleetClusters(_state.Store, _state.Events, [_provider], random: new Random(7));
    }

    public ValueTask DisposeAsync() => _state.DisposeAsync();

    [Fact]
    public async Task CreateAsync_TwoNodes_NamesClusterAfterPoolAndStartsNodesInOrder()
    {
        var cluster = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 2);

        Assert.Matches(ClusterName(), cluster.Name);
        Assert.Equal([$"{cluster.Name}-1", $"{cluster.Name}-2"], cluster.Nodes);
        Assert.Equal(FleetClusterPhase.Ready, cluster.Phase);
        Assert.Equal(("us-east", "us-east", FleetProviderTypes.Simulated, "medium"), (cluster.Pool, cluster.Region, cluster.Provider, cluster.NodeClass));
        Assert.Equal([$"create {cluster.Name}", $"add {cluster.Name}-1", $"add {cluster.Name}-2"], _provider.Calls);
        Assert.Equal(cluster, await _clusters.FindAsync(cluster.Name), ClusterComparer.Instance);
    }

    [Fact]
    public async Task CreateAsync_Event_NamesPoolAndProvider()
    {
        var cluster = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 1);

        var events = await _state.Events.ReadAfterAsync(0);
        var created = Assert.Single(events, e => e.Type == ClusterEventType.FleetClusterCreated);
        Assert.Equal(FleetMessages.Created(cluster with { Phase = FleetClusterPhase.Creating }), created.Message);
        Assert.Single(events, e => e.Type == ClusterEventType.FleetNodeAdded);
    }

    [Fact]
    public async Task CreateAsync_UnknownProviderType_ThrowsNamingTypeAndWritesNothing()
    {
        var before = await _state.DumpAsync();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _clusters.CreateAsync(FleetSpecs.Pool(provider: "aws"), FleetSpecs.NodeClass(), 1));

        Assert.Equal(FleetMessages.UnknownProvider("us-east", "aws", [FleetProviderTypes.Simulated]), e.Message);
        Assert.Equal(before, await _state.DumpAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task CreateAsync_NodeCountBelowOne_Throws(int count)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), count));
        Assert.Empty(_provider.Calls);
    }

    [Fact]
    public async Task CreateAsync_ProviderFailsAtSecondNode_StopsFirstAndLeavesNoRecord()
    {
        var probe = new RecordingClusterProvider();
        var clusters = new FleetClusters(_state.Store, _state.Events, [probe], random: new Random(7));
        // The same seed draws the same name, so the failing node's name is known in advance.
        var name = (await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 1)).Name;
        await _clusters.DeleteAsync(name);
        probe.FailAt = FleetClusters.NodeName(name, 2);

        await Assert.ThrowsAsync<InvalidOperationException>(() => clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 3));

        Assert.Empty(probe.Running);
        Assert.Contains($"remove {name}-1", probe.Calls);
        Assert.Empty(await clusters.ListAsync());
    }

    [Fact]
    public async Task CreateAsync_TwoInOnePool_GetDifferentNames()
    {
        var a = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 1);
        var b = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 1);

        Assert.NotEqual(a.Name, b.Name);
        Assert.Equal([a.Name, b.Name], (await _clusters.ListAsync()).Select(c => c.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GrowAsync_StoredPoolAndClass_AddsNodesAfterTheHighestIndex()
    {
        await FleetSpecs.StoreAsync(_state.Store, FleetSpecs.Pool(), FleetSpecs.NodeClass());
        var cluster = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 2);
        await _clusters.RemoveNodesAsync(cluster.Name, [$"{cluster.Name}-1"]);

        var grown = await _clusters.GrowAsync(cluster.Name, 2);

        Assert.Equal([$"{cluster.Name}-2", $"{cluster.Name}-3", $"{cluster.Name}-4"], grown.Nodes);
        Assert.Equal([$"{cluster.Name}-2", $"{cluster.Name}-3", $"{cluster.Name}-4"], _provider.Running.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GrowAsync_ProviderFails_RecordKeepsOnlyTheNodesThatRun()
    {
        await FleetSpecs.StoreAsync(_state.Store, FleetSpecs.Pool(), FleetSpecs.NodeClass());
        var cluster = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 1);
        _provider.FailAt = FleetClusters.NodeName(cluster.Name, 3);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _clusters.GrowAsync(cluster.Name, 2));

        Assert.Equal([$"{cluster.Name}-1"], (await _clusters.FindAsync(cluster.Name))!.Nodes);
        Assert.Equal([$"{cluster.Name}-1"], _provider.Running);
    }

    [Fact]
    public async Task GrowAsync_PoolNotStored_ThrowsNamingPool()
    {
        var cluster = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 1);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _clusters.GrowAsync(cluster.Name, 1));

        Assert.Equal(FleetMessages.UnknownPool(cluster.Name, "us-east"), e.Message);
        Assert.Single(_provider.Running);
    }

    [Fact]
    public async Task GrowAsync_UnknownCluster_Throws()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _clusters.GrowAsync("us-east-ffff", 1));
        Assert.Equal(FleetMessages.UnknownCluster("us-east-ffff"), e.Message);
    }

    [Fact]
    public async Task RemoveNodesAsync_NodeOfAnotherCluster_ThrowsAndStopsNothing()
    {
        var cluster = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 2);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => _clusters.RemoveNodesAsync(cluster.Name, [$"{cluster.Name}-1", "other-1"]));

        Assert.StartsWith(FleetMessages.NotClusterNodes(cluster.Name, ["other-1"]), e.Message, StringComparison.Ordinal);
        Assert.Equal(2, _provider.Running.Count);
    }

    [Fact]
    public async Task RemoveNodesAsync_IdleNode_ForgetsItsNodeRecord()
    {
        var cluster = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 2);
        foreach (var node in cluster.Nodes)
        {
            await _state.PutAsync(StateFixtures.Node(node));
        }

        var after = await _clusters.RemoveNodesAsync(cluster.Name, [$"{cluster.Name}-2"]);

        Assert.Equal([$"{cluster.Name}-1"], after.Nodes);
        Assert.NotNull(await _state.Store.GetAsync(KeyLayout.Node($"{cluster.Name}-1")));
        Assert.Null(await _state.Store.GetAsync(KeyLayout.Node($"{cluster.Name}-2")));
    }

    [Fact]
    public async Task SetPhaseAsync_Draining_StoresPhaseWithEvent()
    {
        var cluster = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 1);

        await _clusters.SetPhaseAsync(cluster.Name, FleetClusterPhase.Draining);

        Assert.Equal(FleetClusterPhase.Draining, (await _clusters.FindAsync(cluster.Name))!.Phase);
        var events = await _state.Events.ReadAfterAsync(0);
        Assert.Contains(events, e => e.Type == ClusterEventType.FleetClusterPhaseChanged && e.Message == FleetMessages.PhaseChanged(cluster.Name, FleetClusterPhase.Ready, FleetClusterPhase.Draining));
    }

    [Fact]
    public async Task DeleteAsync_Cluster_StopsEveryNodeReleasesClusterAndRemovesRecord()
    {
        var cluster = await _clusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 2);

        Assert.True(await _clusters.DeleteAsync(cluster.Name));

        Assert.Empty(_provider.Running);
        Assert.Equal($"delete {cluster.Name}", _provider.Calls[^1]);
        Assert.Null(await _clusters.FindAsync(cluster.Name));
        Assert.Contains(await _state.Events.ReadAfterAsync(0), e => e.Type == ClusterEventType.FleetClusterDeleted);
    }

    [Fact]
    public async Task DeleteAsync_UnknownCluster_False()
    {
        Assert.False(await _clusters.DeleteAsync("us-east-ffff"));
        Assert.Empty(_provider.Calls);
    }

    [GeneratedRegex("^us-east-[0-9a-f]{4}$")]
    private static partial Regex ClusterName();

    private sealed class ClusterComparer : IEqualityComparer<FleetCluster?>
    {
        public static ClusterComparer Instance { get; } = new();

        public bool Equals(FleetCluster? x, FleetCluster? y) =>
            x is not null && y is not null
            && (x.Name, x.Pool, x.Region, x.Provider, x.NodeClass, x.Phase, x.CreatedAt) == (y.Name, y.Pool, y.Region, y.Provider, y.NodeClass, y.Phase, y.CreatedAt)
            && x.Nodes.SequenceEqual(y.Nodes);

        public int GetHashCode(FleetCluster? obj) => obj?.Name.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
