namespace Berth.Core.Specs;

/// <summary>Whether clusters used below a fraction of their capacity are drained into others and deleted.</summary>
/// <param name="Enabled">True to consolidate.</param>
/// <param name="MinUtilization">The utilization (0–1) under which a cluster is consolidated.</param>
public sealed record ConsolidationPolicy(bool Enabled, double MinUtilization)
{
    /// <summary>No consolidation.</summary>
    public static ConsolidationPolicy Disabled { get; } = new(false, 0.3);
}
