namespace Berth.Scheduling.Framework;

/// <summary>One node's part in a decision: refused (by which plugin, why) or feasible (with each plugin's normalized score).</summary>
/// <param name="RefusedBy">The filter plugin that refused the node, or null when feasible.</param>
/// <param name="Scores">Per plugin, the score after normalization (0-100) and before the weight; empty when refused.</param>
/// <param name="Total">The weighted sum of <see cref="Scores"/>.</param>
public sealed record NodeEvaluation(
    string Node,
    bool Feasible,
    string? RefusedBy,
    IReadOnlyList<string> Reasons,
    IReadOnlyDictionary<string, long> Scores,
    long Total);
