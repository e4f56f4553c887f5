namespace Berth.Scheduling.Framework;

/// <summary>Prepares per-cycle state before filtering, or says the plugin has nothing to filter for this replica.</summary>
public interface IPreFilterPlugin : ISchedulingPlugin
{
    /// <summary>Returns Success, Skip (leave this plugin's Filter out), or Unschedulable (refuse every node with that reason).</summary>
    PluginStatus PreFilter(SchedulingCycle cycle);
}
