using Berth.Core.Fleet;
using Berth.Core.Specs;

namespace Berth.Server.Fleet;

/// <summary>
/// Creates and removes the machines of fleet clusters. Each pool names one provider type; a cloud provider would
/// implement this same contract (docs/providers.md says what one needs). Calls are idempotent by node name, so that a
/// leader that takes over may repeat what its predecessor began.
/// </summary>
public interface IClusterProvider
{
    /// <summary>The provider type pools name (<see cref="FleetProviderTypes"/>).</summary>
    string Type { get; }

    /// <summary>Prepares what the cluster's nodes share (a network, a control endpoint); nodes are added after it.</summary>
    Task CreateClusterAsync(FleetCluster cluster, PoolSpec pool, CancellationToken cancellationToken);

    /// <summary>
    /// Starts one node of <paramref name="nodeClass"/> for <paramref name="cluster"/>, named <paramref name="nodeName"/>,
    /// registering with this control plane and carrying the <see cref="FleetLabels"/> of the cluster; returns when the
    /// machine has been started (not necessarily registered yet).
    /// </summary>
    Task AddNodeAsync(FleetCluster cluster, PoolSpec pool, NodeClassSpec nodeClass, string nodeName, CancellationToken cancellationToken);

    /// <summary>Stops the node and releases its machine; a node already gone is not an error.</summary>
    Task RemoveNodeAsync(FleetCluster cluster, string nodeName, CancellationToken cancellationToken);

    /// <summary>Releases what <see cref="CreateClusterAsync"/> prepared, once every node is removed; a cluster already gone is not an error.</summary>
    Task DeleteClusterAsync(FleetCluster cluster, CancellationToken cancellationToken);
}
