namespace Berth.Scheduling.Plugins;

/// <summary>How NodeResourcesFit scores a node from its requested share of each resource.</summary>
public enum ScoringStrategyType
{
    /// <summary>Emptier nodes score higher: <c>(allocatable - requested) * 100 / allocatable</c> (spreads).</summary>
    LeastAllocated,
    /// <summary>Fuller nodes score higher: <c>requested * 100 / allocatable</c> (bin-packs).</summary>
    MostAllocated,
    /// <summary>A broken-line function of utilization given by <see cref="NodeResourcesFitArgs.Shape"/>.</summary>
    RequestedToCapacityRatio,
}
