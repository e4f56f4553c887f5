using System.Collections.Concurrent;
using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Placement;

/// <summary>
/// Releases partial gangs: a workload with a <see cref="GangPolicy"/> whose replicas holding room (Pending or Running)
/// are more than none but fewer than <see cref="GangPolicy.MinAvailable"/> (counting Succeeded ones as standing) for
/// longer than <see cref="GangPolicy.TimeoutSeconds"/> has those assignments deleted, with one
/// <see cref="ClusterEventType.GangTimedOut"/> event, so the room returns and the placer can place the gang whole again.
/// </summary>
/// <remarks>
/// <para>A gang goes partial when members are lost afterwards (a node lost, a replica released) and cannot all be
/// placed again, or when a gang too large for one transaction was committed only in part and the applier's own
/// clean-up did not finish. The applier never leaves a partial gang on purpose (<see cref="AssignmentApplier"/>), so
/// these holds are what the timeout is for.</para>
/// <para>The clock runs on the given <see cref="TimeProvider"/> and is kept in memory, per workload and its mod
/// revision (a changed spec starts it again): a restarted server gives a partial gang a full timeout again, which delays
/// a release but never makes one early. Each release compares the workload key and every assignment it deletes, so
/// a gang that got its members back in the meantime is left alone.</para>
/// </remarks>
public sealed class GangTimeouts
{
    // Deletes per transaction: each costs a compare and a delete, and an event goes with the first; well under etcd's 128.
    private const int DeletesPerTransaction = 50;

    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly ClusterCache _cache;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<WorkloadKey, (long ModRevision, DateTimeOffset Since)> _partialSince = new();

    /// <summary>Creates the releaser over the store, the event log and the cache it finds gang workloads in.</summary>
    /// <param name="store">The store.</param>
    /// <param name="events">The event log.</param>
    /// <param name="cache">The cluster cache (loaded here when it does not follow the store).</param>
    /// <param name="time">The clock; null for <paramref name="events"/>' clock.</param>
    public GangTimeouts(IKeyValueStore store, EventLog events, ClusterCache cache, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(cache);
        _store = store;
        _events = events;
        _cache = cache;
        _time = time ?? events.Time;
    }

    /// <summary>Looks at every gang workload once: starts or stops the clock of each partial gang and releases those whose timeout passed; returns the workloads released, to be placed again.</summary>
    public async Task<IReadOnlyList<WorkloadKey>> ReleaseExpiredAsync(CancellationToken cancellationToken = default)
    {
        if (!_cache.IsFollowing)
        {
            await _cache.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        var released = new List<WorkloadKey>();
        var seen = new HashSet<WorkloadKey>();
        var now = _time.GetUtcNow();
        var (living, _) = _cache.Workloads();
        foreach (var stored in living)
        {
            if (stored.Value.Gang is not { } gang || stored.Value.DesiredState != DesiredState.Running || !KeyLayout.TryParseWorkload(stored.Key, out var workload))
            {
                continue;
            }
            seen.Add(workload);
            var read = await _store.TxnAsync([], [TxnOp.Get(KeyLayout.Workload(workload)), TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsOf(workload)))], [], cancellationToken).ConfigureAwait(false);
            var current = read.Responses[0].Single;
            if (current is null)
            {
                _partialSince.TryRemove(workload, out _);
                continue;
            }
            var holding = new List<Stored<Assignment>>();
            int standing = 0;
            foreach (var (_, assignment) in _cache.AssignmentsOf(workload, read.Responses[1].Kvs))
            {
                if (assignment.Value.HoldsResources)
                {
                    holding.Add(assignment);
                    standing++;
                }
                else if (assignment.Value.State == AssignmentState.Succeeded)
                {
                    standing++;
                }
            }
            if (holding.Count == 0 || standing >= gang.MinAvailable)
            {
                _partialSince.TryRemove(workload, out _);
                continue;
            }
            var clock = _partialSince.AddOrUpdate(workload, (current.ModRevision, now), (_, old) => old.ModRevision == current.ModRevision ? old : (current.ModRevision, now));
            if (now - clock.Since < gang.Timeout)
            {
                continue;
            }
            if (await ReleaseAsync(workload, gang, current.ModRevision, holding, now - clock.Since, cancellationToken).ConfigureAwait(false))
            {
                _partialSince.TryRemove(workload, out _);
                released.Add(workload);
            }
        }
        foreach (var key in _partialSince.Keys)
        {
            if (!seen.Contains(key))
            {
                _partialSince.TryRemove(key, out _);
            }
        }
        return released;
    }

    // Deletes the held assignments, a slice per transaction, each guarded by the workload and the assignments it deletes.
    private async Task<bool> ReleaseAsync(WorkloadKey workload, GangPolicy gang, long workloadRevision, List<Stored<Assignment>> holding, TimeSpan held, CancellationToken cancellationToken)
    {
        var subjects = new List<string>(holding.Count);
        foreach (var assignment in holding)
        {
            subjects.Add(AssignmentApplier.ReplicaSubject(workload, assignment.Value.Replica));
        }
        for (int start = 0; start < holding.Count; start += DeletesPerTransaction)
        {
            var compares = new List<Compare> { Compare.ModRevision(KeyLayout.Workload(workload), CompareOp.Equal, workloadRevision) };
            var operations = new List<TxnOp>();
            for (int i = start; i < Math.Min(holding.Count, start + DeletesPerTransaction); i++)
            {
                compares.Add(Compare.ModRevision(holding[i].Key, CompareOp.Equal, holding[i].ModRevision));
                operations.Add(TxnOp.Delete(holding[i].Key));
            }
            if (start == 0)
            {
                _events.Append(compares, operations, _events.Create(ClusterEventType.GangTimedOut, workload.ToString(),
                    PlacementMessages.GangTimedOut(workload, gang, holding.Count, held, subjects)));
            }
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (!commit.Succeeded)
            {
                // Something moved (a member placed again, the spec changed): the next look decides afresh.
                return false;
            }
        }
        return true;
    }
}
