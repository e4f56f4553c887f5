using Berth.Core.Labels;

namespace Berth.Scheduling.Simulation;

/// <summary>A scenario's disruption budget, with Kubernetes PodDisruptionBudget semantics: exactly one of the two limits is set.</summary>
/// <param name="Selector">The replicas the budget protects (in <paramref name="Namespace"/>).</param>
/// <param name="MinAvailable">Selected replicas that must stay running.</param>
/// <param name="MaxUnavailable">Selected replicas that may be down at once.</param>
public sealed record ScenarioDisruptionBudget(
    string Name,
    string Namespace,
    LabelSelector Selector,
    IntOrPercent? MinAvailable,
    IntOrPercent? MaxUnavailable)
{
    /// <summary>How many of <paramref name="healthy"/> selected replicas (out of <paramref name="expected"/>) may be evicted now.</summary>
    public int DisruptionsAllowed(int healthy, int expected)
    {
        int desiredHealthy = MinAvailable is { } min
            ? min.Resolve(expected)
            : expected - (MaxUnavailable?.Resolve(expected) ?? 0);
        return Math.Max(0, healthy - desiredHealthy);
    }
}
