namespace Berth.Scheduling.Simulation;

/// <summary>How preemption chose its node: every candidate considered and the one chosen.</summary>
public sealed record PreemptionExplanation(IReadOnlyList<PreemptionCandidate> Candidates, string? Chosen);
