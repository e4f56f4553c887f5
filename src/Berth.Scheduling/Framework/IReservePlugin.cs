namespace Berth.Scheduling.Framework;

/// <summary>Claims plugin-held resources for the chosen node before binding, and releases them if the cycle fails.</summary>
public interface IReservePlugin : ISchedulingPlugin
{
    /// <summary>Claims; a non-success status fails the cycle (and unreserves plugins that reserved).</summary>
    PluginStatus Reserve(SchedulingCycle cycle, int node);

    /// <summary>Releases what <see cref="Reserve"/> claimed.</summary>
    void Unreserve(SchedulingCycle cycle, int node);
}
