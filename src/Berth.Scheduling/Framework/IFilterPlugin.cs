namespace Berth.Scheduling.Framework;

/// <summary>Refuses nodes the replica cannot run on.</summary>
public interface IFilterPlugin : ISchedulingPlugin
{
    /// <summary>
    /// Keeps, at the front of <paramref name="candidates"/> and in their order, the nodes this plugin accepts,
    /// records a reason for each node it refuses, and returns how many it kept.
    /// </summary>
    int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals);

    /// <summary>Turns a reason code recorded for a node into Kubernetes-style reason texts (at the edge, not in the hot path).</summary>
    void DescribeRefusal(SchedulingCycle cycle, int node, int reasonCode, List<string> reasons);

    /// <summary>
    /// True when evicting replicas from the node could lift this refusal (Kubernetes' Unschedulable, as opposed to
    /// UnschedulableAndUnresolvable); preemption considers only such nodes. By default a refusal is not resolvable.
    /// </summary>
    bool PreemptionCanResolve(int reasonCode) => false;

    /// <summary>
    /// True when the same reason code reads differently on different nodes (a taint's key and value), so the
    /// explanation must describe each node; otherwise one description per code serves every node.
    /// </summary>
    bool RefusalDependsOnNode => false;
}
