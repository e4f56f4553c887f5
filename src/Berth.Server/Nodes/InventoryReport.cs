namespace Berth.Server.Nodes;

/// <summary>The latest inventory one node sent (<see cref="NodeInventory"/>).</summary>
/// <param name="Sequence">How many inventories the node sent to this server process, this one included: two reports tell
/// apart by it even when the clock did not move between them.</param>
/// <param name="ReceivedAt">When the server took it.</param>
/// <param name="Replicas">The copies the agent holds.</param>
public sealed record InventoryReport(long Sequence, DateTimeOffset ReceivedAt, IReadOnlySet<RunningReplica> Replicas)
{
    /// <summary>True when the agent holds a copy of <paramref name="replica"/> at exactly its workload revision.</summary>
    public bool Holds(RunningReplica replica) => Replicas.Contains(replica);
}
