namespace Berth.Scheduling.Plugins;

/// <summary>Score normalizations shared by plugins, as Kubernetes' <c>helper.DefaultNormalizeScore</c>.</summary>
internal static class ScoreNormalization
{
    /// <summary>The highest normalized score (Kubernetes' MaxNodeScore).</summary>
    public const long MaxNodeScore = 100;

    /// <summary>
    /// Rescales raw scores from [0, max] to [0, 100] (integer division, as Kubernetes), optionally reversed
    /// (100 minus the scaled score). When every score is 0, reversed scores all become 100 and others stay 0.
    /// </summary>
    public static void Default(ReadOnlySpan<int> nodes, Span<long> scoreByNode, bool reverse)
    {
        long max = 0;
        foreach (int node in nodes)
        {
            if (scoreByNode[node] > max)
            {
                max = scoreByNode[node];
            }
        }
        if (max == 0)
        {
            if (reverse)
            {
                foreach (int node in nodes)
                {
                    scoreByNode[node] = MaxNodeScore;
                }
            }
            return;
        }
        foreach (int node in nodes)
        {
            long score = MaxNodeScore * scoreByNode[node] / max;
            scoreByNode[node] = reverse ? MaxNodeScore - score : score;
        }
    }
}
