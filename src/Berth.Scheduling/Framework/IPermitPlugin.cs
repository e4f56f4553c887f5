namespace Berth.Scheduling.Framework;

/// <summary>Approves, rejects or holds (Wait) a replica on its chosen node; gang scheduling waits here.</summary>
public interface IPermitPlugin : ISchedulingPlugin
{
    /// <summary>Success, Wait, or Unschedulable.</summary>
    PluginStatus Permit(SchedulingCycle cycle, int node);
}
