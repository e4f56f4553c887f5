using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Keeps only the node a workload names in its <c>nodeName</c> (Kubernetes' NodeName filter); workloads without one
/// skip the plugin.
/// </summary>
public sealed class NodeName : IPreFilterPlugin, IFilterPlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "NodeName";

    /// <summary>Kubernetes' reason text for a node other than the requested one.</summary>
    public const string ReasonText = "node(s) didn't match the requested node name";

    // Per cycle: the index of the requested node, -1 when no node has that name (every node is then refused).
    private int _target = -1;

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public PluginStatus PreFilter(SchedulingCycle cycle)
    {
        var requested = cycle.Replica.Workload.NodeName;
        if (string.IsNullOrEmpty(requested))
        {
            return PluginStatus.Skip;
        }
        _target = cycle.Snapshot.IndexOf(requested);
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        int target = _target;
        int kept = 0;
        foreach (int node in candidates)
        {
            if (node == target)
            {
                candidates[kept++] = node;
            }
            else
            {
                refusals.Refuse(node, 0);
            }
        }
        return kept;
    }

    /// <inheritdoc />
    public void DescribeRefusal(SchedulingCycle cycle, int node, int reasonCode, List<string> reasons) =>
        reasons.Add(ReasonText);
}
