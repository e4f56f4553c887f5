namespace Berth.Scheduling.Simulation;

/// <summary>Every decision of a simulation, in order, and the totals.</summary>
public sealed record SimulationReport(IReadOnlyList<ReplicaPlacement> Placements, SimulationSummary Summary);
