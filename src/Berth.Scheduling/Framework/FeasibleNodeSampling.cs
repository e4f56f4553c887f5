namespace Berth.Scheduling.Framework;

/// <summary>
/// Kubernetes' <c>percentageOfNodesToScore</c> arithmetic (kube-scheduler's <c>numFeasibleNodesToFind</c>): how many
/// feasible nodes a cycle looks for before it stops filtering and scores only those.
/// </summary>
public static class FeasibleNodeSampling
{
    /// <summary>Kubernetes' <c>minFeasibleNodesToFind</c>: below this many nodes every node is filtered, and no sample is smaller.</summary>
    public const int MinFeasibleNodesToFind = 100;

    /// <summary>Kubernetes' <c>minFeasibleNodesPercentageToFind</c>: the adaptive percentage never drops below this.</summary>
    public const int MinFeasibleNodesPercentageToFind = 5;

    /// <summary>The value that means "every node" (also the built-in profiles' default).</summary>
    public const int EveryNode = 100;

    /// <summary>The value that means Kubernetes' adaptive default.</summary>
    public const int Adaptive = 0;

    /// <summary>
    /// The number of feasible nodes after which filtering stops, exactly as kube-scheduler computes it: every node when
    /// there are fewer than <see cref="MinFeasibleNodesToFind"/>; otherwise <paramref name="numAllNodes"/> ×
    /// percentage / 100 (integer division), at least <see cref="MinFeasibleNodesToFind"/>. Percentage 0 is adaptive:
    /// 50 − <paramref name="numAllNodes"/>/125, at least <see cref="MinFeasibleNodesPercentageToFind"/>.
    /// </summary>
    /// <param name="percentageOfNodesToScore">0 (adaptive) to 100; validated by the scheduler when it is built.</param>
    /// <param name="numAllNodes">Nodes in the snapshot.</param>
    public static int NumFeasibleNodesToFind(int percentageOfNodesToScore, int numAllNodes)
    {
        if (numAllNodes < MinFeasibleNodesToFind)
        {
            return numAllNodes;
        }
        int percentage = percentageOfNodesToScore;
        if (percentage == Adaptive)
        {
            // 50% for small clusters, one point less per 125 nodes: 10% at 5,000 nodes, the 5% floor from 5,625 on.
            percentage = Math.Max(50 - numAllNodes / 125, MinFeasibleNodesPercentageToFind);
        }
        // long: a cluster of more than 21 million nodes would overflow int before the division.
        int numNodes = (int)((long)numAllNodes * percentage / 100);
        return Math.Max(numNodes, MinFeasibleNodesToFind);
    }
}
