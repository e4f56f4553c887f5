using System.Collections.Concurrent;

namespace Berth.Server.Nodes;

/// <summary>
/// The latest inventory each node's agent sent with its heartbeat: which replica copies it holds. The reconciler compares
/// it with the assignments that say Running (Running/Missing) to find replicas the store believes run but whose node
/// does not run them (the agent restarted and lost its children, or a process vanished without an exit report).
/// </summary>
/// <remarks>
/// Kept in memory, not in the store: an inventory is observed state that every heartbeat (every couple of seconds)
/// replaces whole, so persisting it would write to the store on every beat for nothing — after a server restart the
/// first heartbeat of each node refills it, and until then a node has no inventory and none of its replicas is judged
/// missing (a restart delays the judgement, it never makes one early). Agents that do not send an inventory (older
/// versions) never get one here, so their replicas are never judged missing either.
/// </remarks>
public sealed class NodeInventory
{
    private readonly ConcurrentDictionary<string, InventoryReport> _reports = new(StringComparer.Ordinal);

    /// <summary>Replaces the inventory of <paramref name="node"/> with <paramref name="replicas"/>, taken at <paramref name="receivedAt"/>.</summary>
    /// <returns>The report stored.</returns>
    public InventoryReport Record(string node, IEnumerable<RunningReplica> replicas, DateTimeOffset receivedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentNullException.ThrowIfNull(replicas);
        var set = new HashSet<RunningReplica>(replicas);
        return _reports.AddOrUpdate(
            node,
            _ => new InventoryReport(1, receivedAt, set),
            (_, previous) => new InventoryReport(previous.Sequence + 1, receivedAt, set));
    }

    /// <summary>The latest inventory of <paramref name="node"/>, or null when it sent none to this server process.</summary>
    public InventoryReport? Latest(string node) => _reports.GetValueOrDefault(node);
}
