namespace Berth.Core.Specs;

/// <summary>What a placement policy requires of every placement it governs.</summary>
/// <param name="MinRegions">The fewest distinct regions the replicas must span (0 or 1: no requirement).</param>
/// <param name="Compliance">Regimes every chosen pool must meet.</param>
/// <param name="SpreadConstraint">How evenly replicas spread over a pool topology key; null for no constraint.</param>
public sealed record PolicyRequirements(int MinRegions, IReadOnlyList<string> Compliance, FleetSpreadConstraint? SpreadConstraint)
{
    /// <summary>No requirements.</summary>
    public static PolicyRequirements None { get; } = new(0, [], null);
}
