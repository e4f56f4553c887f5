namespace Berth.Scheduling.Framework;

/// <summary>
/// Told of every replica the scheduler is asked to place, before any filter runs and whether or not it then fits, so a
/// plugin can learn the mix of work the cluster sees (a replica that fits nowhere is part of the mix too).
/// </summary>
public interface IArrivalObserver : ISchedulingPlugin
{
    /// <summary>Notes the cycle's replica as one arrival. Called once per <see cref="Scheduler.Schedule"/>, never for probes.</summary>
    void Arrived(SchedulingCycle cycle);
}
