namespace Berth.Server.Placement;

/// <summary>What one placement pass did with one replica.</summary>
/// <param name="Replica">The replica index.</param>
/// <param name="Kind">Placed, unschedulable, gave up, removed or stopped.</param>
/// <param name="Node">The node it was placed on, or the node it was removed or stopped on; null when none.</param>
/// <param name="Detail">The explanation when placed, the summary when unschedulable, the last stale reason when given up; empty otherwise.</param>
public sealed record ReplicaOutcome(int Replica, ReplicaOutcomeKind Kind, string? Node, string Detail)
{
    /// <summary>How many lower-priority replicas a placement evicted (0: no preemption; always 0 for other outcomes).</summary>
    public int Victims { get; init; }
}
