namespace Berth.Scheduling.Framework;

/// <summary>Prepares per-cycle scoring state from the feasible nodes, or says the plugin has nothing to score.</summary>
public interface IPreScorePlugin : ISchedulingPlugin
{
    /// <summary>Returns Success, or Skip to leave this plugin's Score out (it then contributes nothing).</summary>
    PluginStatus PreScore(SchedulingCycle cycle, ReadOnlySpan<int> feasibleNodes);
}
