namespace Berth.Server.Placement;

/// <summary>Where one replica would be after an apply, and why.</summary>
/// <param name="Replica">The replica index.</param>
/// <param name="Action">Keep, place, unschedulable, remove or stop.</param>
/// <param name="Node">The node it stays on, would be placed on, or is removed or stopped on; null when none.</param>
/// <param name="Detail">The placement explanation when placed, the unschedulable summary (<see cref="PlacementMessages.Summary"/>) when unschedulable; empty otherwise.</param>
/// <param name="TiedWith">
/// When placed: other nodes that scored the same as <paramref name="Node"/> (of the scheduler's top three). With a tie-break
/// that depends on the scheduler's history (random or round robin, the default being random as in Kubernetes), apply may
/// pick one of these instead; empty when the pick is certain.
/// </param>
public sealed record ReplicaPreview(int Replica, ReplicaPreviewAction Action, string? Node, string Detail, IReadOnlyList<string> TiedWith);
