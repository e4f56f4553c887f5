namespace Berth.Scheduling.Profiles;

/// <summary>How the scheduler chooses among feasible nodes with the same best total score.</summary>
public enum Tiebreak
{
    /// <summary>Uniformly at random among the best (Kubernetes' behaviour); repeatable with a seed.</summary>
    Random,
    /// <summary>The best node with the lowest requested share of cpu and memory.</summary>
    LeastLoaded,
    /// <summary>The first best node after the one chosen last, wrapping around.</summary>
    RoundRobin,
    /// <summary>Any feasible node, with probability proportional to its total score (plus one), not only the best.</summary>
    WeightedRandom,
    /// <summary>The best node that comes first in node order.</summary>
    First,
}
