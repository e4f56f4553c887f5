using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Snapshot;

/// <summary>A replica that holds resources on a node.</summary>
public sealed class PlacedReplica
{
    internal PlacedReplica(string name, ReplicaInfo info, ReplicaGroup group, int node, DateTimeOffset? startTime, long sequence)
    {
        Sequence = sequence;
        Name = name;
        Info = info;
        Group = group;
        Node = node;
        StartTime = startTime;
    }

    /// <summary>
    /// When it was placed, in the snapshot's order of placements. A node's replicas and a group's replicas are each kept
    /// in this order, which lets a copy of the snapshot rebuild both lists without a map from old objects to new.
    /// </summary>
    internal long Sequence { get; }

    /// <summary>The replica's name, e.g. <c>web-0</c>.</summary>
    public string Name { get; }

    /// <summary><c>namespace/name</c>.</summary>
    public string Key => $"{Info.Namespace}/{Name}";

    /// <summary>Its workload, compiled.</summary>
    public ReplicaInfo Info { get; }

    /// <summary>The group of placed replicas of the same workload.</summary>
    public ReplicaGroup Group { get; }

    /// <summary>The node index it runs on.</summary>
    public int Node { get; }

    /// <summary>When it started, if known; preemption prefers to keep the longest running.</summary>
    public DateTimeOffset? StartTime { get; }

    /// <summary>The GPU devices it holds on its node (indexes), empty when it asks for none.</summary>
    public IReadOnlyList<int> Devices { get; internal set; } = [];

    /// <summary>Its priority.</summary>
    public int Priority => Info.Priority;
}
