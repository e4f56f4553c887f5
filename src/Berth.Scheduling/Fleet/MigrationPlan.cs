namespace Berth.Scheduling.Fleet;

/// <summary>
/// The ordered steps that take a fleet workload from its current shares to target ones without its Running replicas
/// ever dropping below its minimum; or why there are none.
/// </summary>
/// <param name="Steps">The steps, in the order they must be carried out; empty when nothing changes or the plan was refused.</param>
/// <param name="PeakReplicas">The most replicas asked for at once during the move (current plus the surge in flight).</param>
/// <param name="Refusal">Why no plan was made; null when <paramref name="Steps"/> is the plan.</param>
/// <param name="Detail">The message that goes with <paramref name="Refusal"/> (from <see cref="MigrationMessages"/>); null when not refused.</param>
public sealed record MigrationPlan(IReadOnlyList<MigrationStep> Steps, int PeakReplicas, MigrationRefusal? Refusal, string? Detail)
{
    /// <summary>True when the plan was refused and has no steps.</summary>
    public bool IsRefused => Refusal is not null;

    /// <summary>True when there is nothing to do: not refused and no steps.</summary>
    public bool IsEmpty => Refusal is null && Steps.Count == 0;
}
