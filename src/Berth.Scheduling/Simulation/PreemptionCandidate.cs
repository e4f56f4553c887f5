namespace Berth.Scheduling.Simulation;

/// <summary>A node where preemption could make room, with the replicas it would evict and the budgets that would break.</summary>
/// <param name="Victims">Victim keys (<c>namespace/name</c>).</param>
public sealed record PreemptionCandidate(string Node, IReadOnlyList<string> Victims, int BudgetViolations);
