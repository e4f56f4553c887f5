namespace Berth.Core.Specs;

/// <summary>Kubernetes' pod.spec.affinity: node affinity, replica affinity and replica anti-affinity.</summary>
public sealed record Affinity(NodeAffinity NodeAffinity, ReplicaAffinity PodAffinity, ReplicaAffinity PodAntiAffinity)
{
    /// <summary>No affinity of any kind.</summary>
    public static readonly Affinity None = new(NodeAffinity.None, ReplicaAffinity.None, ReplicaAffinity.None);
}
