using System.Globalization;
using Berth.Core.Fleet;

namespace Berth.Server.Fleet;

/// <summary>The fleet layer's user-visible messages (clusters and their providers), in one place so tests can assert on them.</summary>
public static class FleetMessages
{
    /// <summary>A pool names a provider type this server has no provider for.</summary>
    public static string UnknownProvider(string pool, string type, IEnumerable<string> known) =>
        $"pool '{pool}': spec.provider.type is '{type}', which this server cannot create clusters with; use one of: {string.Join(", ", known)}";

    /// <summary>A node count that is not positive.</summary>
    public static string NodeCountNotPositive(string argument, int count) =>
        $"{argument} is {count.ToString(CultureInfo.InvariantCulture)}; a cluster needs at least 1 node";

    /// <summary>A cluster name that no record has.</summary>
    public static string UnknownCluster(string cluster) =>
        $"fleet cluster '{cluster}' does not exist; `berth get clusters` lists the clusters";

    /// <summary>Nodes named for removal that the cluster does not have.</summary>
    public static string NotClusterNodes(string cluster, IEnumerable<string> nodes) =>
        $"fleet cluster '{cluster}' has no node(s) {string.Join(", ", nodes)}; `berth get clusters -o wide` lists its nodes";

    /// <summary>The pool a cluster belongs to is no longer stored.</summary>
    public static string UnknownPool(string cluster, string pool) =>
        $"fleet cluster '{cluster}' belongs to pool '{pool}', which does not exist any more; apply the pool again to grow the cluster";

    /// <summary>The node class a cluster is built from is no longer stored.</summary>
    public static string UnknownNodeClass(string cluster, string nodeClass) =>
        $"fleet cluster '{cluster}' is built from node class '{nodeClass}', which does not exist any more; apply the node class again to grow the cluster";

    /// <summary>A record kept changing under a write.</summary>
    public static string TooManyConflicts(string cluster, int attempts) =>
        $"fleet cluster '{cluster}' kept changing while it was updated; gave up after {attempts.ToString(CultureInfo.InvariantCulture)} attempts, try again";

    /// <summary>No free cluster name was found for a pool.</summary>
    public static string NoFreeName(string pool, int attempts) =>
        $"pool '{pool}': no free cluster name after {attempts.ToString(CultureInfo.InvariantCulture)} tries; delete unused clusters of the pool";

    /// <summary>Event message for a created cluster.</summary>
    public static string Created(FleetCluster cluster) =>
        $"fleet cluster {cluster.Name} created in pool {cluster.Pool} ({cluster.Region}) by the {cluster.Provider} provider, node class {cluster.NodeClass}";

    /// <summary>Event message for a started node.</summary>
    public static string NodeAdded(string cluster, string node, string provider) => $"fleet cluster {cluster}: the {provider} provider started node {node}";

    /// <summary>Event message for a stopped node.</summary>
    public static string NodeRemoved(string cluster, string node, string provider) => $"fleet cluster {cluster}: the {provider} provider stopped node {node}";

    /// <summary>Event message for a phase change.</summary>
    public static string PhaseChanged(string cluster, FleetClusterPhase from, FleetClusterPhase to) => $"fleet cluster {cluster}: {from} → {to}";

    /// <summary>Event message for a deleted cluster.</summary>
    public static string Deleted(FleetCluster cluster) =>
        $"fleet cluster {cluster.Name} of pool {cluster.Pool} deleted; its {cluster.Nodes.Count.ToString(CultureInfo.InvariantCulture)} node(s) were stopped";

    /// <summary>The local provider cannot start <c>berth agent</c> because the server was not told how.</summary>
    public static string NoAgentCommand(string node) =>
        $"cannot start node {node}: this server does not know how to start `berth agent` (ServerOptions.AgentCommand is not set; `berth server` sets it)";

    /// <summary>The local provider could not start an agent process.</summary>
    public static string AgentStartFailed(string node, string program, string error) =>
        $"cannot start node {node}: starting '{program}' failed: {error}";
}
