namespace Berth.Scheduling.Framework;

/// <summary>Ranks feasible nodes; scores end in 0-100 after normalization, then are weighted by the profile.</summary>
public interface IScorePlugin : ISchedulingPlugin
{
    /// <summary>Writes a raw score for each node of <paramref name="nodes"/> at <c>scoreByNode[node]</c>.</summary>
    void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode);

    /// <summary>Rescales raw scores of all feasible nodes into 0-100 in place (plugins already in range do nothing).</summary>
    void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode);

    /// <summary>
    /// False when <see cref="NormalizeScore"/> does nothing (raw scores are already 0-100): the pipeline may then total
    /// a node range right after scoring it, in the same parallel pass.
    /// </summary>
    bool NormalizesScores => true;

    /// <summary>
    /// Asked after PreScore: true when every feasible node gets the same normalized score this cycle (for example, no
    /// node has a taint the plugin counts). The pipeline then adds it to every total without per-node work.
    /// </summary>
    bool TryUniformScore(SchedulingCycle cycle, out long score)
    {
        score = 0;
        return false;
    }
}
