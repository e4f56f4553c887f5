using System.Text;
using Berth.Store;

namespace Berth.Server.State;

/// <summary>
/// Remembers where a released replica ran, so that its next placement can say it moved: a release deletes the
/// assignment (the placer then sees the replica as missing), and with it the node it was on. The release writes
/// <see cref="KeyLayout.Released"/> (value: the node name) in its own commit; the <see cref="AssignmentApplier"/> reads
/// it when it places the replica, appends <see cref="ClusterEventType.Rescheduled"/> naming both nodes instead of
/// <see cref="ClusterEventType.WorkloadScheduled"/> when the node differs, and deletes it in the same commit.
/// </summary>
/// <remarks>
/// In the store, not in memory, because a placement may come after a server restart (a lost node's replicas wait for
/// room). A marker whose replica is never placed again (scaled away, workload stopped or deleted) is removed by the
/// reconciler.
/// </remarks>
public static class ReleaseMarker
{
    /// <summary>Adds the marker of <paramref name="replica"/>, released from <paramref name="node"/>, to <paramref name="operations"/>.</summary>
    public static void Add(List<TxnOp> operations, WorkloadKey workload, int replica, string node)
    {
        ArgumentNullException.ThrowIfNull(operations);
        operations.Add(TxnOp.Put(KeyLayout.Released(workload, replica), Encoding.UTF8.GetBytes(node)));
    }

    /// <summary>The node a marker names.</summary>
    public static string NodeOf(KeyValue marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        return Encoding.UTF8.GetString(marker.Value.Span);
    }
}
