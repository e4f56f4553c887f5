using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Framework;

/// <summary>The decision for one replica and its explanation.</summary>
/// <param name="Node">The chosen node index, or -1.</param>
/// <param name="NodeName">The chosen node's name, or null.</param>
/// <param name="Victims">Replicas that must be evicted first (preemption); empty otherwise.</param>
/// <param name="PostFilterDetails">Post-filter (preemption) explanation data, when one ran.</param>
public sealed record PlacementResult(
    PlacementOutcome Outcome,
    int Node,
    string? NodeName,
    PlacementDiagnostics Diagnostics,
    IReadOnlyList<PlacedReplica> Victims,
    object? PostFilterDetails = null)
{
    /// <summary>True when a node was chosen.</summary>
    public bool IsPlaced => Outcome == PlacementOutcome.Placed;
}
