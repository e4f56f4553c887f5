namespace Berth.Scheduling.Framework;

/// <summary>Runs when no node is feasible, e.g. preemption: finds a node that becomes feasible by evicting replicas.</summary>
public interface IPostFilterPlugin : ISchedulingPlugin
{
    /// <summary>
    /// Returns a nominated node and the replicas to evict; or <see cref="PostFilterResult.Nothing"/> saying why nothing
    /// helps; or null when the plugin has nothing to say.
    /// </summary>
    PostFilterResult? PostFilter(SchedulingCycle cycle, NodeRefusals refusals);
}
