using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Snapshot;

/// <summary>A replica that holds resources on a node.</summary>
/// <remarks>
/// Never changed once placed, so copies of a snapshot (<see cref="ClusterSnapshot.Clone"/>) share it: it names no
/// per-snapshot object, and the snapshot finds its group from <see cref="Info"/>.
/// </remarks>
public sealed class PlacedReplica
{
    internal PlacedReplica(string name, ReplicaInfo info, int node, DateTimeOffset? startTime)
    {
        Name = name;
        Info = info;
        Node = node;
        StartTime = startTime;
    }

    /// <summary>The replica's name, e.g. <c>web-0</c>.</summary>
    public string Name { get; }

    /// <summary><c>namespace/name</c>.</summary>
    public string Key => $"{Info.Namespace}/{Name}";

    /// <summary>Its workload, compiled.</summary>
    public ReplicaInfo Info { get; }

    /// <summary>The node index it runs on.</summary>
    public int Node { get; }

    /// <summary>When it started, if known; preemption prefers to keep the longest running.</summary>
    public DateTimeOffset? StartTime { get; }

    /// <summary>The GPU devices it holds on its node (indexes), empty when it asks for none.</summary>
    public IReadOnlyList<int> Devices { get; internal set; } = [];

    /// <summary>Its priority.</summary>
    public int Priority => Info.Priority;
}
