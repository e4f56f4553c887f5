using Berth.Core.Resources;

namespace Berth.Core.Specs;

/// <summary>A workload: identical replicas with their needs and placement rules (Kubernetes field names and meanings).</summary>
/// <remarks>
/// The trailing parameters (restart, desired state, retry, replica range) come from manifests (spec/manifests.md) and have
/// defaults, so that specs built for scheduling alone need not give them.
/// </remarks>
/// <param name="Name">The workload's name (a DNS-1123 label).</param>
/// <param name="Namespace">Its namespace (a DNS-1123 label; <see cref="DefaultNamespace"/> when a manifest gives none).</param>
/// <param name="Labels">Its labels (<c>metadata.labels</c>), which selectors of other workloads match.</param>
/// <param name="Replicas">How many replicas to run; with a <paramref name="ReplicaRange"/>, its minimum.</param>
/// <param name="Containers">The processes started together for each replica.</param>
/// <param name="InitContainers">Processes run one after another before the containers.</param>
/// <param name="Overhead">Resources a replica uses besides its containers.</param>
/// <param name="Priority">The priority value; higher is scheduled first and may preempt lower.</param>
/// <param name="PreemptionPolicy">Whether its replicas may preempt lower-priority ones.</param>
/// <param name="NodeName">A node the replicas are bound to, skipping scheduling; null to schedule.</param>
/// <param name="NodeSelector">Labels a node must carry.</param>
/// <param name="Affinity">Node affinity and replica (anti-)affinity.</param>
/// <param name="Tolerations">Taints the replicas tolerate.</param>
/// <param name="TopologySpreadConstraints">How replicas spread over topology domains.</param>
/// <param name="PriorityClassName">The priority class named by the manifest, or null.</param>
/// <param name="RestartPolicy">When a replica's processes are started again after they exit (default Always).</param>
/// <param name="DesiredState">Whether the workload should run (default Running).</param>
/// <param name="Retry">Attempts and backoff for failing replicas; null means <see cref="RetryPolicy.Default"/> (5 attempts).</param>
/// <param name="ReplicaRange">For fleet workloads, the bounds of the replica count; null for a fixed count.</param>
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
    string? PriorityClassName = null,
    RestartPolicy RestartPolicy = RestartPolicy.Always,
    DesiredState DesiredState = DesiredState.Running,
    RetryPolicy? Retry = null,
    ReplicaRange? ReplicaRange = null)
{
    /// <summary>Attempts and backoff for failing replicas; <see cref="RetryPolicy.Default"/> when none was given.</summary>
    public RetryPolicy Retry { get; init; } = Retry ?? RetryPolicy.Default;

    /// <summary>The namespace used when a manifest gives none.</summary>
    public const string DefaultNamespace = "default";

    /// <summary><c>namespace/name</c>.</summary>
    public string Key => $"{Namespace}/{Name}";

    /// <summary>
    /// The reservation (of the workload's own namespace) whose held capacity its replicas use first; null for none. While
    /// that reservation is not active (not started, expired or absent) the replicas are placed as any other.
    /// </summary>
    public string? Reservation { get; init; }

    /// <summary>Gang scheduling: how many replicas are placed together or not at all, and how long a partial gang may hold room; null for none.</summary>
    public GangPolicy? Gang { get; init; }

    /// <summary>Fleet placement (pools, regions, compliance, latency); null for a workload placed on this cluster's nodes directly.</summary>
    public FleetPlacement? Placement { get; init; }

    /// <summary>Other workloads of the namespace this one talks to (<c>dependencies</c>); fleet placement keeps latency-bound ones close.</summary>
    public IReadOnlyList<WorkloadDependency> Dependencies { get; init; } = [];
}
