using Berth.Core.Specs;
using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Plugins;

/// <summary>Refuses cordoned nodes, unless the replica tolerates Kubernetes' unschedulable taint.</summary>
public sealed class NodeUnschedulable : IPreFilterPlugin, IFilterPlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "NodeUnschedulable";

    /// <summary>The taint key a replica tolerates to run on cordoned nodes (as Kubernetes' DaemonSets do).</summary>
    public const string UnschedulableTaintKey = WellKnownTaints.UnschedulableKey;

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public PluginStatus PreFilter(SchedulingCycle cycle)
    {
        foreach (var toleration in cycle.Replica.Workload.Tolerations)
        {
            if (toleration.Tolerates(WellKnownTaints.Unschedulable))
            {
                return PluginStatus.Skip;
            }
        }
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        var unschedulable = cycle.Snapshot.Unschedulable;
        int kept = 0;
        foreach (int node in candidates)
        {
            if (unschedulable[node])
            {
                refusals.Refuse(node, 0);
            }
            else
            {
                candidates[kept++] = node;
            }
        }
        return kept;
    }

    /// <inheritdoc />
    public void DescribeRefusal(SchedulingCycle cycle, int node, int reasonCode, List<string> reasons) =>
        reasons.Add("node(s) were unschedulable");
}
