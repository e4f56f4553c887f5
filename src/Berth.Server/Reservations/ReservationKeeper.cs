using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Reservations;

/// <summary>
/// Removes reservations whose expiry has come, each with a <see cref="ClusterEventType.ReservationExpired"/> event in
/// the same transaction. The control loop calls it every pass; time is the event log's clock.
/// </summary>
/// <remarks>
/// Placement stops honouring a reservation at its expiry whether or not it has been removed yet (the cache takes only
/// active ones into the snapshot), so a late pass never lets a hold outlive its expiry. Replicas that used the
/// reservation keep running, as pods bound to an expired reservation do in Kubernetes schedulers: expiry releases the
/// hold, it evicts nothing. Their requests keep counting on their nodes as any replica's do.
/// </remarks>
public sealed class ReservationKeeper(IKeyValueStore store, EventLog events, ClusterCache cache)
{
    /// <summary>Removes every expired reservation the cache knows; returns the keys (<c>namespace/name</c>) removed.</summary>
    public async Task<IReadOnlyList<string>> ExpireAsync(CancellationToken cancellationToken = default)
    {
        var now = events.Time.GetUtcNow();
        var removed = new List<string>();
        foreach (var stored in cache.Objects(ObjectKinds.Reservations))
        {
            var spec = stored.Value.SpecAs<ReservationSpec>();
            if (!spec.HasExpiredAt(now))
            {
                continue;
            }
            int users = cache.WithMaster(mirror => CountUsers(mirror, spec));
            var compares = new List<Compare> { Compare.ModRevision(stored.Key, CompareOp.Equal, stored.ModRevision) };
            var operations = new List<TxnOp> { TxnOp.Delete(stored.Key) };
            events.Append(compares, operations, events.Create(ClusterEventType.ReservationExpired, spec.Key, ReservationKeeperMessages.Expired(spec, users)));
            var commit = await store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            // A reservation changed or deleted meanwhile is looked at again on the next pass, as the cache then knows it.
            if (commit.Succeeded)
            {
                removed.Add(spec.Key);
            }
        }
        return removed;
    }

    private static int CountUsers(SnapshotMirror mirror, ReservationSpec spec)
    {
        int users = 0;
        foreach (var group in mirror.Snapshot.Groups)
        {
            var workload = group.Info.Workload;
            if (workload.Reservation == spec.Name && workload.Namespace == spec.Namespace)
            {
                users += group.Count;
            }
        }
        return users;
    }
}
