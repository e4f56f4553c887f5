using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Snapshot;

/// <summary>
/// The placed replicas of one workload and how many sit on each node. Replicas of a workload share labels
/// and affinity, so affinity and spread count per group instead of per replica.
/// </summary>
public sealed class ReplicaGroup
{
    private readonly Dictionary<int, int> _countByNode;
    private readonly List<PlacedReplica> _replicas;

    internal ReplicaGroup(int index, ReplicaInfo info)
    {
        Index = index;
        Info = info;
        _countByNode = [];
        _replicas = [];
    }

    /// <summary>A copy at the same position with the same replicas (shared: they never change) and its own lists.</summary>
    internal ReplicaGroup(ReplicaGroup source)
    {
        Index = source.Index;
        Info = source.Info;
        _countByNode = new Dictionary<int, int>(source._countByNode);
        _replicas = new List<PlacedReplica>(source._replicas);
    }

    /// <summary>The group's position in the snapshot.</summary>
    public int Index { get; }

    /// <summary>The workload, compiled.</summary>
    public ReplicaInfo Info { get; }

    /// <summary>The number of placed replicas per node (only nodes with at least one).</summary>
    public IReadOnlyDictionary<int, int> CountByNode => _countByNode;

    /// <summary>
    /// <see cref="CountByNode"/> as its concrete dictionary, so plugins enumerate it with the struct enumerator
    /// (no allocation per group per cycle). Read-only by convention: only the snapshot changes it.
    /// </summary>
    internal Dictionary<int, int> NodeCounts => _countByNode;

    /// <summary>The placed replicas.</summary>
    public IReadOnlyList<PlacedReplica> Replicas => _replicas;

    /// <summary>The number of placed replicas.</summary>
    public int Count => _replicas.Count;

    internal void Add(PlacedReplica replica) => Insert(replica, -1);

    /// <summary>Adds at a list position (the end when -1).</summary>
    internal void Insert(PlacedReplica replica, int position)
    {
        _replicas.Insert(position < 0 ? _replicas.Count : position, replica);
        _countByNode[replica.Node] = _countByNode.GetValueOrDefault(replica.Node) + 1;
    }

    /// <summary>Removes the replica and returns the list position it had.</summary>
    internal int Remove(PlacedReplica replica)
    {
        int position = _replicas.IndexOf(replica);
        _replicas.RemoveAt(position);
        int left = _countByNode[replica.Node] - 1;
        if (left == 0)
        {
            _countByNode.Remove(replica.Node);
        }
        else
        {
            _countByNode[replica.Node] = left;
        }
        return position;
    }
}
