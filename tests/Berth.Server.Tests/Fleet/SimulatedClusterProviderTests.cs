using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Server.Fleet;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Fleet;

public sealed class SimulatedClusterProviderTests
{
    [Fact]
    public void Allocatable_ClassWithGpus_ListsEveryResourceAndPods()
    {
        var allocatable = SimulatedClusterProvider.Allocatable(new NodeClassResources(4, 16, 100, 1));

        Assert.Equal(
            // 100Gi and 16Gi in bytes.
            ["cpu=4", "ephemeral-storage=107374182400", "memory=17179869184", "nvidia.com/gpu=1", "pods=110"],
            allocatable.Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_SimulatedPool_NodesRegisterWithFleetLabelsAndRunReplicas()
    {
        await using var server = await RunningServer.StartAsync();
        var cluster = await server.Host.FleetClusters.CreateAsync(FleetSpecs.Pool(region: "us-east-1"), FleetSpecs.NodeClass(), 2);

        var nodes = await RunningServer.WaitForAsync(() => Nodes(server), n => n.Count == 2, "both hollow nodes registered");
        Assert.All(nodes, n =>
        {
            Assert.Equal(cluster.Name, n.Spec.Labels[FleetLabels.Cluster]);
            Assert.Equal("us-east", n.Spec.Labels[FleetLabels.Pool]);
            Assert.Equal("us-east-1", n.Spec.Labels[FleetLabels.Region]);
            Assert.Equal("medium", n.Spec.Labels[FleetLabels.NodeClass]);
            Assert.Equal("4", n.Spec.Allocatable["cpu"].ToString());
        });

        await server.ApplyAsync(RunningServer.Manifest("web", replicas: 3).Replace("spec:\n", $"spec:\n  nodeSelector: {{berth.dev/cluster: {cluster.Name}}}\n", StringComparison.Ordinal));

        var assignments = await RunningServer.WaitForAsync(
            () => Assignments(server), a => a.Count == 3 && a.All(x => x.State == AssignmentState.Running), "three replicas Running on hollow nodes");
        Assert.All(assignments, a => Assert.Contains(a.Node, cluster.Nodes));
    }

    [Fact]
    public async Task DeleteAsync_SimulatedCluster_NodesLeaveTheCluster()
    {
        await using var server = await RunningServer.StartAsync();
        var cluster = await server.Host.FleetClusters.CreateAsync(FleetSpecs.Pool(), FleetSpecs.NodeClass(), 2);
        await RunningServer.WaitForAsync(() => Nodes(server), n => n.Count == 2, "both hollow nodes registered");

        await server.Host.FleetClusters.DeleteAsync(cluster.Name);

        Assert.Empty(await Nodes(server));
        Assert.Empty(await server.Host.FleetClusters.ListAsync());
    }

    private static async Task<List<NodeRecord>> Nodes(RunningServer server) =>
        [.. (await server.Host.Store.RangeAsync(KeyRange.Prefix(KeyLayout.NodesPrefix))).Kvs.Select(StateSerializer.Read<NodeRecord>)];

    private static async Task<List<Assignment>> Assignments(RunningServer server) =>
        [.. (await server.Host.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsPrefix))).Kvs
            .Where(kv => KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            .Select(StateSerializer.Read<Assignment>)];
}
