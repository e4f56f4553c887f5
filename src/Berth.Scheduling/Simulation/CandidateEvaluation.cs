namespace Berth.Scheduling.Simulation;

/// <summary>One node's part in a replica's decision (shown with --explain).</summary>
/// <param name="Reasons">Why the node was refused; empty when feasible.</param>
/// <param name="Scores">Per score plugin, the normalized score (0-100) before the weight; empty when refused.</param>
/// <param name="Total">The weighted sum of <paramref name="Scores"/>.</param>
public sealed record CandidateEvaluation(string Node, bool Feasible, IReadOnlyList<string> Reasons, IReadOnlyDictionary<string, long> Scores, long Total);
