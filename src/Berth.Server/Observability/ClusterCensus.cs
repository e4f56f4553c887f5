using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Observability;

/// <summary>How many nodes, workloads and assignments the store holds, by status, read at one revision; feeds the gauges of <see cref="BerthMetrics"/>.</summary>
public sealed class ClusterCensus
{
    private readonly int[] _workloads = new int[Enum.GetValues<DesiredState>().Length];
    private readonly int[] _assignments = new int[Enum.GetValues<AssignmentState>().Length];

    private ClusterCensus()
    {
    }

    /// <summary>A census of an empty store.</summary>
    public static ClusterCensus Empty { get; } = new();

    /// <summary>Nodes whose status is Ready.</summary>
    public int ReadyNodes { get; private set; }

    /// <summary>Nodes whose status is NotReady.</summary>
    public int NotReadyNodes { get; private set; }

    /// <summary>Nodes that are cordoned, whatever their status.</summary>
    public int CordonedNodes { get; private set; }

    /// <summary>Replicas that have an unschedulable summary: the last attempt to place them found no node.</summary>
    public int UnschedulableReplicas { get; private set; }

    /// <summary>Workloads whose desired state is <paramref name="state"/>.</summary>
    public int Workloads(DesiredState state) => _workloads[(int)state];

    /// <summary>Assignments in <paramref name="state"/>.</summary>
    public int Assignments(AssignmentState state) => _assignments[(int)state];

    /// <summary>Counts what <paramref name="cache"/> holds (the control loop's view, current while it follows the store).</summary>
    public static ClusterCensus Count(ClusterCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var census = new ClusterCensus();
        cache.Inspect((nodes, workloads, assignments, unschedulable) =>
        {
            foreach (var node in nodes)
            {
                census.CountNode(node);
            }
            foreach (var workload in workloads)
            {
                census._workloads[(int)workload.DesiredState]++;
            }
            foreach (var assignment in assignments)
            {
                census._assignments[(int)assignment.State]++;
            }
            census.UnschedulableReplicas = unschedulable;
        });
        return census;
    }

    /// <summary>Counts what <paramref name="store"/> holds now, in one read transaction.</summary>
    /// <exception cref="InvalidDataException">A stored value could not be read; the message names the key.</exception>
    public static async Task<ClusterCensus> ReadAsync(IKeyValueStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var read = await store.TxnAsync(
            [],
            [
                TxnOp.Get(KeyRange.Prefix(KeyLayout.NodesPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.ReconciliationPrefix)),
            ],
            [],
            cancellationToken).ConfigureAwait(false);
        var census = new ClusterCensus();
        foreach (var kv in read.Responses[0].Kvs)
        {
            if (!KeyLayout.TryParseNode(kv.Key, out _))
            {
                continue;
            }
            census.CountNode(StateSerializer.Read<NodeRecord>(kv));
        }
        foreach (var kv in read.Responses[1].Kvs)
        {
            if (KeyLayout.TryParseWorkload(kv.Key, out _))
            {
                census._workloads[(int)StateSerializer.Read<WorkloadSpec>(kv).DesiredState]++;
            }
        }
        foreach (var kv in read.Responses[2].Kvs)
        {
            if (KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            {
                census._assignments[(int)StateSerializer.Read<Assignment>(kv).State]++;
            }
        }
        foreach (var kv in read.Responses[3].Kvs)
        {
            if (KeyLayout.TryParseUnschedulable(kv.Key, out _, out _))
            {
                census.UnschedulableReplicas++;
            }
        }
        return census;
    }

    private void CountNode(NodeRecord node)
    {
        if (node.Status.Ready)
        {
            ReadyNodes++;
        }
        else
        {
            NotReadyNodes++;
        }
        if (node.Spec.Unschedulable)
        {
            CordonedNodes++;
        }
    }
}
