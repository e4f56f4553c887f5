using Berth.Core.Specs;

namespace Berth.Bench;

/// <summary>One throughput scenario, shaped like a Kubernetes scheduler_perf workload (bench-workloads.md §4).</summary>
/// <param name="KubernetesWorkload">The scheduler_perf workload and CI variant it mirrors.</param>
/// <param name="KubernetesFloor">The CI threshold (pods/s) that the workload's average must exceed there.</param>
/// <param name="Zones">Zone values assigned round-robin to nodes; empty for no zone label.</param>
/// <param name="Init">Builds the init groups for a total init count, in creation order.</param>
/// <param name="Measured">Builds the measured replicas: one workload per replica, shared by reference where identical.</param>
/// <param name="MinimumTarget">The least pods/s Berth aims for, whatever the floor (basic: 10000).</param>
/// <param name="HugeEvery">When above 0, one never-fitting P-huge attempt after every this many measured replicas.</param>
/// <param name="DefaultNodes">The node count without <c>--nodes</c>: the largest variant scheduler_perf lists.</param>
internal sealed record Scenario(
    string Name,
    string KubernetesWorkload,
    int KubernetesFloor,
    IReadOnlyList<string> Zones,
    bool ExtendedResourceNodes,
    int DefaultInit,
    int DefaultPods,
    Func<int, IReadOnlyList<InitGroup>> Init,
    Func<int, WorkloadSpec[]> Measured,
    int HugeEvery = 0,
    int MinimumTarget = 2000,
    int DefaultNodes = 5000)
{
    /// <summary>Berth's target: ten times the Kubernetes floor, and at least <see cref="MinimumTarget"/> pods/s.</summary>
    public int TargetPodsPerSecond => Math.Max(MinimumTarget, 10 * KubernetesFloor);
}
