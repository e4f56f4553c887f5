namespace Berth.Server.Nodes;

/// <summary>What one <see cref="NodeManager.DrainAsync"/> call did; repeat the call until <see cref="IsComplete"/>.</summary>
/// <param name="Node">The node drained.</param>
/// <param name="Released">Replicas (<c>namespace/name/replica</c>) released by this call: at most one per workload.</param>
/// <param name="Remaining">Replicas still holding room on the node after this call.</param>
/// <param name="Blocked">Of <paramref name="Remaining"/>, those held back because a replica of their workload is already missing (released and not yet placed again).</param>
public sealed record DrainResult(string Node, IReadOnlyList<string> Released, IReadOnlyList<string> Remaining, IReadOnlyList<string> Blocked)
{
    /// <summary>True when nothing holds room on the node any more.</summary>
    public bool IsComplete => Remaining.Count == 0;
}
