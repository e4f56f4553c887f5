using Berth.Core.Specs;

namespace Berth.Scheduling.Fleet;

/// <summary>Everything the fleet planner decides from: the workload and the fleet as it is now.</summary>
/// <param name="Workload">The fleet workload (its <see cref="WorkloadSpec.Placement"/> is not null).</param>
/// <param name="Pools">Every pool this control plane may place in.</param>
/// <param name="NodeClasses">Every node class.</param>
/// <param name="Policies">Every placement policy; those whose selector matches the workload's labels apply.</param>
/// <param name="Clusters">Every fleet cluster with its use, the workload's own replicas left out.</param>
/// <param name="Dependencies">Where the workload's dependencies run.</param>
public sealed record FleetPlanRequest(
    WorkloadSpec Workload,
    IReadOnlyList<PoolSpec> Pools,
    IReadOnlyList<NodeClassSpec> NodeClasses,
    IReadOnlyList<PlacementPolicySpec> Policies,
    IReadOnlyList<FleetClusterUsage> Clusters,
    IReadOnlyList<DependencyLocation> Dependencies);
