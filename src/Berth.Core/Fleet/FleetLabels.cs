namespace Berth.Core.Fleet;

/// <summary>Labels fleet placement puts on the nodes providers create and on the workloads it derives.</summary>
public static class FleetLabels
{
    /// <summary>The node's region (Kubernetes' name for it).</summary>
    public const string Region = "topology.kubernetes.io/region";

    /// <summary>The pool the node's cluster belongs to.</summary>
    public const string Pool = "berth.dev/pool";

    /// <summary>The fleet cluster the node belongs to.</summary>
    public const string Cluster = "berth.dev/cluster";

    /// <summary>The node class the node was created from.</summary>
    public const string NodeClass = "berth.dev/node-class";

    /// <summary>On a derived workload: the name of the fleet workload it runs a share of.</summary>
    public const string FleetWorkload = "berth.dev/fleet-workload";
}
