namespace Berth.Scheduling.Plugins;

/// <summary>What preemption considered (every candidate node, in node order) and which node it chose.</summary>
/// <param name="Candidates">Each node where evictions would make room.</param>
/// <param name="Chosen">The chosen node's name.</param>
public sealed record PreemptionDetails(IReadOnlyList<PreemptionCandidate> Candidates, string Chosen);
