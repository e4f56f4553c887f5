namespace Berth.Core.Labels;

/// <summary>Node labels with a meaning of their own, named as Kubernetes names them.</summary>
public static class WellKnownLabels
{
    /// <summary>Every node carries its own name under this key; the usual per-node topology key.</summary>
    public const string Hostname = "kubernetes.io/hostname";

    /// <summary>The node's zone; the usual failure-domain topology key.</summary>
    public const string Zone = "topology.kubernetes.io/zone";

    /// <summary>The model of the node's GPUs (e.g. <c>V100M32</c>); a replica asks for a model with node affinity on it.</summary>
    public const string GpuModel = "gpu.model";
}
