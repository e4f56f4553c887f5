namespace Berth.Core.Specs;

/// <summary>How Berth sizes the clusters it creates, when it adds a cluster rather than grows one, and when it consolidates.</summary>
/// <param name="MinNodes">The nodes a new cluster starts with.</param>
/// <param name="MaxNodes">The most nodes one cluster grows to.</param>
/// <param name="BinPackingThreshold">Fullness (0–1) past which a cluster takes no new placements and a new one is preferred.</param>
/// <param name="Consolidation">Whether and when underused clusters are drained into others and deleted.</param>
public sealed record ClusterPolicy(int MinNodes, int MaxNodes, double BinPackingThreshold, ConsolidationPolicy Consolidation)
{
    /// <summary>The policy used when no placement policy gives one: 1 to 20 nodes, new cluster past 80%, no consolidation.</summary>
    public static ClusterPolicy Default { get; } = new(1, 20, 0.8, ConsolidationPolicy.Disabled);
}
