using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Framework;

/// <summary>What one scheduling cycle is about: one replica of a workload against one snapshot.</summary>
public sealed class SchedulingCycle
{
    /// <summary>The cluster as it was when the cycle started; read-only during the cycle.</summary>
    public ClusterSnapshot Snapshot { get; internal set; } = null!;

    /// <summary>The replica being placed.</summary>
    public ReplicaInfo Replica { get; internal set; } = null!;

    /// <summary>Which replica of the workload this is (0-based).</summary>
    public int ReplicaIndex { get; internal set; }
}
