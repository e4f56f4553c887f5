using Berth.Core.Specs;
using Berth.Scheduling.Snapshot;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Reservations;

/// <summary>
/// What <c>GET /v1/reservations</c> answers: every stored reservation with what it reserves, what its workloads use and
/// what it still holds, worked out from the store as the placer would see it now (any server can answer, leader or not).
/// </summary>
public sealed class ReservationQueries(IKeyValueStore store, TimeProvider time)
{
    /// <summary>Every stored reservation, by namespace and name (key order).</summary>
    public static async Task<List<ReservationSpec>> ReadAllAsync(IKeyValueStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var range = await store.RangeAsync(KeyRange.Prefix(KeyLayout.ObjectsOf(ObjectKinds.Reservations)), cancellationToken: cancellationToken).ConfigureAwait(false);
        var all = new List<ReservationSpec>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            all.Add((ReservationSpec)ObjectKinds.Reservations.Deserialize(kv.Value.Span));
        }
        return all;
    }

    /// <summary>Every reservation, by namespace and name.</summary>
    public async Task<ReservationUsage[]> ListAsync(CancellationToken cancellationToken = default)
    {
        var state = await new ClusterStateReader(store).ReadAsync(cancellationToken).ConfigureAwait(false);
        var all = await ReadAllAsync(store, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var snapshot = state.Snapshot;
        snapshot.HoldReservations([.. all.Where(r => r.IsActiveAt(now))]);
        return [.. all.Select(r => snapshot.Reservations.Find(r.Namespace, r.Name) is { } hold ? ReservationUsage.Of(hold) : ReservationUsage.Inactive(r, now))];
    }
}
