namespace Berth.Scheduling.Simulation;

/// <summary>Every decision of a simulation, in order, and the totals.</summary>
public sealed record SimulationReport(IReadOnlyList<ReplicaPlacement> Placements, SimulationSummary Summary)
{
    /// <summary>Each reservation of the scenario after the last placement: reserved, used and held; empty without any.</summary>
    public IReadOnlyList<Snapshot.ReservationUsage> Reservations { get; init; } = [];
}
