namespace Berth.Scheduling.Plugins;

/// <summary>
/// Normalizes raw scores so the best nodes lead: they score 100 and every other node at most 97, in proportion. With
/// weight 100 the plugin then decides, and other plugins only break ties among its best nodes (a plain 0-100 scale
/// would round close but different raw scores together and let the other plugins choose among them).
/// </summary>
internal static class LeadingScoreNormalization
{
    /// <summary>What the best nodes score.</summary>
    public const long Best = 100;

    /// <summary>The most any other node scores.</summary>
    public const long RunnerUp = 97;

    /// <summary>Rescales in place.</summary>
    public static void Normalize(ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        long max = long.MinValue, min = long.MaxValue;
        foreach (int node in nodes)
        {
            max = Math.Max(max, scoreByNode[node]);
            min = Math.Min(min, scoreByNode[node]);
        }
        foreach (int node in nodes)
        {
            long raw = scoreByNode[node];
            scoreByNode[node] = raw == max ? Best : (long)(RunnerUp * ((double)(raw - min) / (max - min)));
        }
    }
}
