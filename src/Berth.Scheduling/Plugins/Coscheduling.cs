using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Gang scheduling at the Permit point, after Kubernetes' scheduler-plugins <c>Coscheduling</c>: a replica of a workload
/// with a <see cref="Berth.Core.Specs.GangPolicy"/> waits (<see cref="PluginStatusCode.Wait"/>) on its chosen node until
/// <c>minAvailable</c> replicas of the workload are placed or waiting; the one that completes the gang is permitted,
/// and with it every waiting one. Replicas of a gang that already stands, and of workloads without a gang, pass.
/// </summary>
/// <remarks>
/// The plugin keeps no state: the caller holds each waiting replica in the snapshot (its room taken, as a Reserve would),
/// so the gang's size is the workload's placed replicas in the snapshot. Releasing the waiting replicas when the gang
/// cannot complete is the caller's: the simulator does it at once, the control plane's applier refuses a partial gang
/// whole, and the control loop releases partial gangs after their timeout.
/// </remarks>
public sealed class Coscheduling : IPermitPlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "Coscheduling";

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public PluginStatus Permit(SchedulingCycle cycle, int node)
    {
        var gang = cycle.Replica.Workload.Gang;
        if (gang is null)
        {
            return PluginStatus.Skip;
        }
        return PlacedOf(cycle.Snapshot, cycle.Replica) + 1 >= gang.MinAvailable ? PluginStatus.Success : new PluginStatus(PluginStatusCode.Wait);
    }

    /// <summary>
    /// The replicas of <paramref name="replica"/>'s workload placed (or held) in the snapshot: those of its own group, or
    /// of any group compiled from a workload with the same namespace and name.
    /// </summary>
    public static int PlacedOf(ClusterSnapshot snapshot, ReplicaInfo replica)
    {
        int count = 0;
        foreach (var group in snapshot.Groups)
        {
            var workload = group.Info.Workload;
            if (ReferenceEquals(group.Info, replica) || (workload.Name == replica.Workload.Name && workload.Namespace == replica.Workload.Namespace))
            {
                count += group.Count;
            }
        }
        return count;
    }

    /// <summary>
    /// The profile with this plugin among its binders (added last when missing), so gangs wait at Permit under it; the
    /// profile itself when it already has it.
    /// </summary>
    public static SchedulingProfile Enable(SchedulingProfile profile)
    {
        var binders = profile.Binders ?? [];
        foreach (var binder in binders)
        {
            if (binder.Name == Name)
            {
                return profile;
            }
        }
        return profile with { Binders = [.. binders, new PluginReference(Name)] };
    }
}
