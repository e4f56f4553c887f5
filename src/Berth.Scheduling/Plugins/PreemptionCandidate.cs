namespace Berth.Scheduling.Plugins;

/// <summary>A node where preemption would make the replica fit, with the replicas it would evict there.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="Victims">Evicted replicas as <c>namespace/name</c>, most important (highest priority, then longest running) first.</param>
/// <param name="BudgetViolations">How many of the victims would break a disruption budget.</param>
public sealed record PreemptionCandidate(string Node, IReadOnlyList<string> Victims, int BudgetViolations);
