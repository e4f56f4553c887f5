namespace Berth.Scheduling.Simulation;

/// <summary>Totals over a scenario's placements.</summary>
/// <param name="NodesUsed">Distinct nodes that received at least one of the scenario's replicas.</param>
public sealed record SimulationSummary(int Placed, int Unschedulable, int NodesUsed);
