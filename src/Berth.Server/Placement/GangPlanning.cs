using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Simulation;
using Berth.Scheduling.Snapshot;
using Berth.Server.State;

namespace Berth.Server.Placement;

/// <summary>
/// One placement plan's view of its workload's gang (<see cref="GangPolicy"/>): it counts the members the Permit point
/// holds, notes the first member that finds no room before the gang stands, and then turns the plan into nothing but
/// unschedulable summaries, so a gang that cannot stand asks the applier for no room and no eviction.
/// </summary>
internal sealed class GangPlanning(WorkloadKey workload, GangPolicy? gang)
{
    private int _waiting;
    private int _planned;
    private string _why = "";

    /// <summary>The replica whose failure sank the gang, or -1.</summary>
    public int FailedAt { get; private set; } = -1;

    /// <summary>A replica was planned: held at Permit (<paramref name="waiting"/>) or permitted, which permits every held one.</summary>
    public void Planned(bool waiting)
    {
        _planned++;
        _waiting = waiting ? _waiting + 1 : 0;
    }

    /// <summary>A replica found no room: when the gang does not stand yet, the gang fails here.</summary>
    public void Unplaced(int replica, ClusterSnapshot snapshot, ReplicaInfo info, SortedDictionary<int, string> unschedulable)
    {
        if (gang is null || Coscheduling.PlacedOf(snapshot, info) >= gang.MinAvailable)
        {
            return;
        }
        FailedAt = replica;
        _why = unschedulable[replica];
        unschedulable[replica] = GangMessages.Incomplete(workload.ToString(), gang, _planned, _why);
    }

    /// <summary>The summary of a replica not tried because the gang already failed.</summary>
    public string NotTried() => GangMessages.NotTried(workload.ToString(), gang!, FailedAt);

    /// <summary>
    /// After the last replica: a gang that failed, or whose members still wait, gives up every planned replica and
    /// eviction (each planned replica gets a summary saying why); otherwise the plan stands as it is.
    /// </summary>
    public void Settle(List<PlannedReplica> planned, List<PlannedEviction> evictions, SortedDictionary<int, string> unschedulable)
    {
        if (gang is null || (FailedAt < 0 && _waiting == 0))
        {
            return;
        }
        foreach (var replica in planned)
        {
            unschedulable[replica.Replica] = FailedAt >= 0
                ? GangMessages.Released(workload.ToString(), gang, planned.Count, FailedAt, null, _why)
                : GangMessages.NeverCompleted(workload.ToString(), gang, _waiting);
        }
        planned.Clear();
        evictions.Clear();
    }
}
