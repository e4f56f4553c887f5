using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;

namespace Berth.Server.State;

/// <summary>
/// A scheduler snapshot that follows <see cref="ClusterCache"/>: built once per cache generation (the node set), then
/// kept current by replaying the cache's <see cref="CacheDelta"/>s, so a planner never re-reads or copies the whole
/// cluster to see the latest placements. Each planner owns one; the cache owns the one the applier checks plans against.
/// </summary>
/// <remarks>Not thread-safe: its owner syncs and uses it from one thread at a time.</remarks>
internal sealed class SnapshotMirror
{
    private readonly Dictionary<string, PlacedReplica> _placed = new(StringComparer.Ordinal);
    private readonly Dictionary<WorkloadKey, (long ModRevision, ReplicaInfo Info)> _compiled = [];
    private readonly Dictionary<WorkloadKey, int> _placedPerWorkload = [];

    /// <summary>Creates an empty mirror; the cache builds it on first sync.</summary>
    public SnapshotMirror()
    {
        Snapshot = ClusterSnapshot.Create([]);
        NodeModRevisions = [];
        Generation = -1;
    }

    /// <summary>The snapshot: nodes in name order, every replica that holds room placed.</summary>
    public ClusterSnapshot Snapshot { get; private set; }

    /// <summary>The mod revision of each node's record, by snapshot node index, as of the generation.</summary>
    public long[] NodeModRevisions { get; private set; }

    /// <summary>The cache generation this mirror was built for.</summary>
    public long Generation { get; private set; }

    /// <summary>How many of the cache's deltas this mirror has replayed.</summary>
    public long Sequence { get; set; }

    /// <summary>Starts over on a new snapshot of the generation's nodes, with nothing placed.</summary>
    public void Reset(ClusterSnapshot snapshot, long[] nodeModRevisions, long generation, long sequence)
    {
        Snapshot = snapshot;
        NodeModRevisions = nodeModRevisions;
        Generation = generation;
        Sequence = sequence;
        _placed.Clear();
        _compiled.Clear();
        _placedPerWorkload.Clear();
    }

    /// <summary>Replays one delta; false when it cannot be replayed consistently and the mirror must be rebuilt.</summary>
    public bool Apply(in CacheDelta delta)
    {
        Remove(delta.Key);
        if (delta.Node is null || delta.Spec is not { } spec)
        {
            return true;
        }
        int node = Snapshot.IndexOf(delta.Node);
        if (node < 0)
        {
            // The node is not in this generation: the cache bumps the generation when nodes change, so a rebuild follows.
            return true;
        }
        if (Compiled(spec) is not { } info)
        {
            return false;
        }
        Place(delta.Key, delta.Workload, delta.Replica, info, node, delta.Devices);
        return true;
    }

    /// <summary>
    /// The compiled replica of a workload: the one its placed replicas were placed with when <paramref name="spec"/> is
    /// the spec they were compiled from, otherwise a new one (kept for later only when none of its replicas is placed).
    /// Null when placed replicas were compiled from another spec, so sharing them is impossible.
    /// </summary>
    public ReplicaInfo? Compiled(Stored<WorkloadSpec> spec)
    {
        var workload = KeyOfWorkload(spec);
        if (_compiled.TryGetValue(workload, out var known) && known.ModRevision == spec.ModRevision)
        {
            return known.Info;
        }
        if (_placedPerWorkload.GetValueOrDefault(workload) > 0)
        {
            return null;
        }
        var info = Snapshot.Compile(spec.Value);
        _compiled[workload] = (spec.ModRevision, info);
        return info;
    }

    /// <summary>Places a replica under its assignment key, first taking off whatever that key held.</summary>
    public PlacedReplica Place(string key, WorkloadKey workload, int replica, ReplicaInfo info, int node, IReadOnlyList<int>? devices)
    {
        Remove(key);
        var placed = Snapshot.Place(info, node, ClusterState.ReplicaName(workload, replica), devices: devices is { Count: > 0 } ? devices : null);
        _placed[key] = placed;
        _placedPerWorkload[workload] = _placedPerWorkload.GetValueOrDefault(workload) + 1;
        return placed;
    }

    /// <summary>Takes the replica placed under <paramref name="key"/> off its node, if any.</summary>
    public void Remove(string key)
    {
        if (!_placed.Remove(key, out var placed))
        {
            return;
        }
        Snapshot.Remove(placed);
        if (KeyLayout.TryParseAssignment(key, out var workload, out _))
        {
            int left = _placedPerWorkload.GetValueOrDefault(workload) - 1;
            if (left > 0)
            {
                _placedPerWorkload[workload] = left;
            }
            else
            {
                _placedPerWorkload.Remove(workload);
            }
        }
    }

    /// <summary>Takes the replica placed under <paramref name="key"/> off its node and says how to put it back (null: nothing was placed).</summary>
    public Lifted? Lift(string key)
    {
        if (Placed(key) is not { } placed)
        {
            return null;
        }
        Remove(key);
        return new Lifted(placed.Info, placed.Node, placed.Devices);
    }

    /// <summary>Puts back what <see cref="Lift"/> took off (nothing when null).</summary>
    public void Restore(string key, Lifted? lifted)
    {
        if (lifted is { } l && KeyLayout.TryParseAssignment(key, out var workload, out int replica))
        {
            Place(key, workload, replica, l.Info, l.Node, l.Devices);
        }
    }

    /// <summary>The replica placed under an assignment key, or null.</summary>
    public PlacedReplica? Placed(string key) => _placed.GetValueOrDefault(key);

    /// <summary>The assignment key a placed replica stands for (e.g. a preemption victim), or null.</summary>
    /// <remarks>A search, not an index: only preemption asks, and an identity-keyed index cost more on every placement
    /// (a first identity hash of each replica object) than all the searches do.</remarks>
    public string? KeyOf(PlacedReplica replica)
    {
        foreach (var (key, placed) in _placed)
        {
            if (ReferenceEquals(placed, replica))
            {
                return key;
            }
        }
        return null;
    }

    /// <summary>
    /// Takes the holds of the reservations active now on the snapshot, unless the snapshot already holds exactly these
    /// (the same stored specs): holds are taken once per set of reservations and snapshot, then kept current by the
    /// placements replayed into it.
    /// </summary>
    public void HoldReservations(IReadOnlyList<ReservationSpec> active)
    {
        if (SameHolds(active))
        {
            return;
        }
        Snapshot.HoldReservations(active);
        _heldOn = Snapshot;
        _held = active;
    }

    private bool SameHolds(IReadOnlyList<ReservationSpec> active)
    {
        if (active.Count == 0 && _held.Count == 0)
        {
            // Nothing to hold: a fresh snapshot holds nothing either.
            return true;
        }
        if (!ReferenceEquals(_heldOn, Snapshot) || _held.Count != active.Count)
        {
            return false;
        }
        for (int i = 0; i < active.Count; i++)
        {
            if (!ReferenceEquals(_held[i], active[i]))
            {
                return false;
            }
        }
        return true;
    }

    private ClusterSnapshot? _heldOn;
    private IReadOnlyList<ReservationSpec> _held = [];

    /// <summary>The node's record mod revision in this generation, by name; 0 when the node is not in it.</summary>
    public long NodeModRevision(string node)
    {
        int index = Snapshot.IndexOf(node);
        return index < 0 ? 0 : NodeModRevisions[index];
    }

    /// <summary>A replica taken off its node by <see cref="Lift"/>: what it takes to place it again as it was.</summary>
    /// <param name="Info">Its compiled form.</param>
    /// <param name="Node">Its node index.</param>
    /// <param name="Devices">The GPU devices it held.</param>
    public readonly record struct Lifted(ReplicaInfo Info, int Node, IReadOnlyList<int> Devices);

    private static WorkloadKey KeyOfWorkload(Stored<WorkloadSpec> spec) =>
        KeyLayout.TryParseWorkload(spec.Key, out var key) ? key : throw new ArgumentException(StateMessages.NotAWorkloadKey(spec.Key), nameof(spec));
}
