using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Plugins;

/// <summary>Refuses nodes whose agent is not ready (Kubernetes expresses this with the not-ready taint).</summary>
/// <remarks>
/// Unlike Kubernetes' <c>node.kubernetes.io/not-ready</c> taint, no toleration overrides this: a node whose agent is
/// down cannot start anything, so placing a replica there only delays it.
/// </remarks>
public sealed class NodeReady : IFilterPlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "NodeReady";

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        var notReady = cycle.Snapshot.NotReady;
        int kept = 0;
        foreach (int node in candidates)
        {
            if (notReady[node])
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
        reasons.Add("node(s) were not ready");
}
