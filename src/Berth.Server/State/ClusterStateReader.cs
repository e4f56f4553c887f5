using Berth.Core.Specs;
using Berth.Scheduling.Snapshot;
using Berth.Store;

namespace Berth.Server.State;

/// <summary>Loads nodes, workloads and assignments from the store, at one revision, into a <see cref="ClusterState"/>.</summary>
public sealed class ClusterStateReader(IKeyValueStore store)
{
    private readonly IKeyValueStore _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>Reads the current state. The three prefixes are read in one transaction, so they agree with each other.</summary>
    /// <exception cref="InvalidDataException">A stored value could not be read; the message names the key.</exception>
    public async Task<ClusterState> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await _store.TxnAsync(
            [],
            [
                TxnOp.Get(KeyRange.Prefix(KeyLayout.NodesPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix)),
            ],
            [],
            cancellationToken).ConfigureAwait(false);

        var nodes = new Dictionary<string, Stored<NodeRecord>>(StringComparer.Ordinal);
        foreach (var kv in result.Responses[0].Kvs)
        {
            if (KeyLayout.TryParseNode(kv.Key, out var name))
            {
                nodes[name] = new Stored<NodeRecord>(kv.Key, StateSerializer.Read<NodeRecord>(kv), kv.ModRevision);
            }
        }
        var workloads = new Dictionary<WorkloadKey, Stored<WorkloadSpec>>();
        foreach (var kv in result.Responses[1].Kvs)
        {
            if (KeyLayout.TryParseWorkload(kv.Key, out var key))
            {
                workloads[key] = new Stored<WorkloadSpec>(kv.Key, StateSerializer.Read<WorkloadSpec>(kv), kv.ModRevision);
            }
        }
        var assignments = new List<Stored<Assignment>>();
        foreach (var kv in result.Responses[2].Kvs)
        {
            if (KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            {
                assignments.Add(new Stored<Assignment>(kv.Key, StateSerializer.Read<Assignment>(kv), kv.ModRevision));
            }
        }

        return Build(result.Revision, nodes, workloads, assignments);
    }

    /// <summary>The workload stored at <paramref name="kv"/> with its mod revision, or null when the key does not exist.</summary>
    public static Stored<WorkloadSpec>? Workload(KeyValue? kv) =>
        kv is null ? null : new Stored<WorkloadSpec>(kv.Key, StateSerializer.Read<WorkloadSpec>(kv), kv.ModRevision);

    /// <summary>The assignments of <paramref name="workload"/> among <paramref name="kvs"/> (a read of its assignment prefix), by replica.</summary>
    public static SortedDictionary<int, Stored<Assignment>> AssignmentsOf(WorkloadKey workload, IEnumerable<KeyValue> kvs)
    {
        ArgumentNullException.ThrowIfNull(kvs);
        var assignments = new SortedDictionary<int, Stored<Assignment>>();
        foreach (var kv in kvs)
        {
            if (KeyLayout.TryParseAssignment(kv.Key, out var key, out int replica) && key == workload)
            {
                assignments[replica] = new Stored<Assignment>(kv.Key, StateSerializer.Read<Assignment>(kv), kv.ModRevision);
            }
        }
        return assignments;
    }

    /// <summary>
    /// Builds the state of the given records: the snapshot holds the nodes in name order and every assignment that
    /// holds resources, compiled from the workload specs given (a dry run passes specs that are not stored yet).
    /// </summary>
    internal static ClusterState Build(
        long revision,
        IReadOnlyDictionary<string, Stored<NodeRecord>> nodes,
        IReadOnlyDictionary<WorkloadKey, Stored<WorkloadSpec>> workloads,
        IReadOnlyList<Stored<Assignment>> assignments)
    {
        // Node indexes follow node names (ordinal, the store's key order), so every read of the same state builds the
        // same snapshot: plans replay.
        var names = new List<string>(nodes.Keys);
        names.Sort(StringComparer.Ordinal);
        var specs = new List<NodeSpec>(names.Count);
        foreach (var name in names)
        {
            specs.Add(nodes[name].Value.EffectiveSpec);
        }
        var snapshot = ClusterSnapshot.Create(specs);
        var placed = new Dictionary<string, PlacedReplica>(StringComparer.Ordinal);
        // One compiled replica per workload: the snapshot groups replicas by that object.
        var compiled = new Dictionary<WorkloadKey, Berth.Scheduling.Framework.ReplicaInfo>();
        foreach (var stored in assignments)
        {
            var assignment = stored.Value;
            int node = snapshot.IndexOf(assignment.Node);
            if (!assignment.HoldsResources || node < 0 || !workloads.TryGetValue(assignment.Workload, out var workload))
            {
                continue;
            }
            if (!compiled.TryGetValue(assignment.Workload, out var info))
            {
                info = snapshot.Compile(workload.Value);
                compiled[assignment.Workload] = info;
            }
            placed[stored.Key] = snapshot.Place(info, node, ClusterState.ReplicaName(assignment.Workload, assignment.Replica),
                devices: assignment.Devices.Count > 0 ? assignment.Devices : null);
        }
        return new ClusterState(revision, snapshot, nodes, workloads, assignments, placed);
    }
}
