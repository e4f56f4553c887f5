using Berth.Core.Resources;

namespace Berth.Core.Specs;

/// <summary>A workload: identical replicas with their needs and placement rules (Kubernetes field names and meanings).</summary>
public sealed record WorkloadSpec(
    string Name,
    string Namespace,
    IReadOnlyDictionary<string, string> Labels,
    int Replicas,
    IReadOnlyList<ContainerSpec> Containers,
    IReadOnlyList<ContainerSpec> InitContainers,
    ResourceList Overhead,
    int Priority,
    PreemptionPolicy PreemptionPolicy,
    string? NodeName,
    IReadOnlyDictionary<string, string> NodeSelector,
    Affinity Affinity,
    IReadOnlyList<Toleration> Tolerations,
    IReadOnlyList<TopologySpreadConstraint> TopologySpreadConstraints,
    string? PriorityClassName = null)
{
    /// <summary>The namespace used when a manifest gives none.</summary>
    public const string DefaultNamespace = "default";

    /// <summary><c>namespace/name</c>.</summary>
    public string Key => $"{Namespace}/{Name}";
}
