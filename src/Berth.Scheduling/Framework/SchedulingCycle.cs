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

    /// <summary>The profile's filter plugins by position, as <see cref="NodeRefusals.RefusingFilter"/> reports positions.</summary>
    public IReadOnlyList<IFilterPlugin> Filters { get; internal set; } = [];

    internal Func<int, List<string>?, bool>? Probe { get; set; }

    /// <summary>
    /// Runs the profile's filters for this replica (each PreFilter again, then each Filter) on one node against the
    /// snapshot as it is now, and says whether the replica fits. Post-filters use it to test a node after simulating
    /// evictions; it records no refusals, and the scheduler refreshes the PreFilter state once the post-filters end.
    /// </summary>
    public bool FitsOn(int node) => Probe is { } probe && probe(node, null);

    /// <summary>As <see cref="FitsOn(int)"/>; when the replica does not fit, adds the refusing filter's reasons.</summary>
    public bool FitsOn(int node, List<string> reasons) => Probe is { } probe && probe(node, reasons);
}
