namespace Berth.Scheduling.Framework;

/// <summary>Commits the decision (PreBind, Bind, PostBind points).</summary>
public interface IBindPlugin : ISchedulingPlugin
{
    /// <summary>Work that must happen before binding; a non-success status fails the cycle.</summary>
    PluginStatus PreBind(SchedulingCycle cycle, int node) => PluginStatus.Skip;

    /// <summary>Binds the replica to the node; Skip lets the next bind plugin try.</summary>
    PluginStatus Bind(SchedulingCycle cycle, int node);

    /// <summary>Informational, after a successful bind.</summary>
    void PostBind(SchedulingCycle cycle, int node) { }
}
