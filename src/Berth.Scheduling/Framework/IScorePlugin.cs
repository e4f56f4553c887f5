namespace Berth.Scheduling.Framework;

/// <summary>Ranks feasible nodes; scores end in 0-100 after normalization, then are weighted by the profile.</summary>
public interface IScorePlugin : ISchedulingPlugin
{
    /// <summary>Writes a raw score for each node of <paramref name="nodes"/> at <c>scoreByNode[node]</c>.</summary>
    void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode);

    /// <summary>Rescales raw scores of all feasible nodes into 0-100 in place (plugins already in range do nothing).</summary>
    void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode);
}
