using Berth.Core.Specs;
using Berth.Scheduling.Profiles;

namespace Berth.Scheduling.Simulation;

/// <summary>A what-if scenario (spec/scenario.md): a described cluster and the workloads to place on it, in order.</summary>
/// <param name="Profile">The profile that decides (the default profile when the scenario names none).</param>
/// <param name="Nodes">The nodes, in the order given.</param>
/// <param name="Namespaces">Labels per namespace, for namespace selectors in affinity terms.</param>
/// <param name="DisruptionBudgets">Kubernetes PodDisruptionBudgets, honoured by preemption.</param>
/// <param name="Placed">Replicas already running before the first workload is placed.</param>
/// <param name="Workloads">Placed in this order, one replica at a time.</param>
public sealed record Scenario(
    SchedulingProfile Profile,
    IReadOnlyList<NodeSpec> Nodes,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Namespaces,
    IReadOnlyList<DisruptionBudget> DisruptionBudgets,
    IReadOnlyList<ExistingReplica> Placed,
    IReadOnlyList<WorkloadSpec> Workloads)
{
    /// <summary>Per-namespace quotas: replicas over a limit stay unplaced, replicas over a soft limit are burst.</summary>
    public IReadOnlyList<QuotaSpec> Quotas { get; init; } = [];

    /// <summary>Reservations (the <c>reservations</c> section): held for their namespaces' workloads while active.</summary>
    public IReadOnlyList<ReservationSpec> Reservations { get; init; } = [];

    /// <summary>The instant the scenario describes (<c>time</c>), against which reservations start and expire; null for the simulator's clock.</summary>
    public DateTimeOffset? Time { get; init; }
}
