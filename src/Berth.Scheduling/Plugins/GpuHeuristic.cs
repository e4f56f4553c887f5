namespace Berth.Scheduling.Plugins;

/// <summary>The classic GPU placement heuristics, kept as baselines to compare fragmentation-aware scoring against.</summary>
public enum GpuHeuristic
{
    /// <summary>The node with the least CPU, memory and GPU left after placing (summed as shares of the node).</summary>
    BestFit,

    /// <summary>Partly used devices first, then nodes already running GPU work, then idle nodes; fullest first within each.</summary>
    Packing,

    /// <summary>The node whose free CPU, memory and GPU (as shares) best align with the request: the largest dot product (Tetris).</summary>
    DotProduct,
}
