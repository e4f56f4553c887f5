using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Snapshot;

/// <summary>
/// The active reservations of a snapshot and what each holds: per node for node reservations, in total for
/// cluster-wide ones. The <c>ReservationFit</c> filter reads it; the snapshot keeps it current as replicas come and go.
/// </summary>
/// <remarks>
/// <para>
/// Holds are taken when the ledger is built (<see cref="ClusterSnapshot.HoldReservations"/>), out of capacity free at
/// that moment and never by evicting anything: node reservations first, since they need particular nodes, then
/// cluster-wide amounts; within each, higher priority first, then the earlier start, then the key. A node reservation's
/// hold on a node is at most that node's free capacity after the holds before it; a cluster-wide amount's is at most the
/// free capacity of ready, schedulable nodes after every hold before it.
/// </para>
/// <para>
/// A replica whose workload names a reservation of its own namespace uses it: where it lands on one of the
/// reservation's nodes (anywhere, for a cluster-wide one) its requests count as used and come off the hold.
/// </para>
/// </remarks>
public sealed class ReservationLedger
{
    private readonly List<ReservationHold> _holds;
    private readonly Dictionary<string, ReservationHold> _byKey;
    private readonly Dictionary<int, List<ReservationHold>> _onNode;
    private readonly List<ReservationHold> _clusterWide;

    private ReservationLedger(List<ReservationHold> holds)
    {
        _holds = holds;
        _byKey = new Dictionary<string, ReservationHold>(StringComparer.Ordinal);
        _onNode = [];
        _clusterWide = [];
        foreach (var hold in holds)
        {
            _byKey[hold.Spec.Key] = hold;
            if (hold.Spec.IsClusterWide)
            {
                _clusterWide.Add(hold);
                continue;
            }
            foreach (var node in hold.Nodes)
            {
                if (!_onNode.TryGetValue(node, out var list))
                {
                    list = [];
                    _onNode[node] = list;
                }
                list.Add(hold);
            }
        }
    }

    /// <summary>No reservations.</summary>
    public static ReservationLedger Empty { get; } = new([]);

    /// <summary>The number of active reservations.</summary>
    public int Count => _holds.Count;

    /// <summary>The active reservations, in the order their holds were taken.</summary>
    public IReadOnlyList<ReservationHold> Holds => _holds;

    /// <summary>True when some node reservation holds capacity on some node.</summary>
    public bool AnyNodeHolds => _onNode.Count > 0;

    /// <summary>The cluster-wide reservations.</summary>
    public IReadOnlyList<ReservationHold> ClusterWide => _clusterWide;

    /// <summary>The active reservation of a namespace by name, or null.</summary>
    public ReservationHold? Find(string ns, string name) => _byKey.TryGetValue($"{ns}/{name}", out var hold) ? hold : null;

    /// <summary>The reservation a replica uses, or null when its workload names none or that one is not active.</summary>
    public ReservationHold? Of(ReplicaInfo replica) =>
        _holds.Count > 0 && replica.Workload.Reservation is { } name ? Find(replica.Namespace, name) : null;

    /// <summary>The node reservations holding capacity on a node, or null when none.</summary>
    public IReadOnlyList<ReservationHold>? On(int node) => _onNode.TryGetValue(node, out var list) ? list : null;

    /// <summary>What node reservations hold off others on a node, of one snapshot column, leaving out <paramref name="except"/>.</summary>
    public long HeldOn(int node, int column, ReservationHold? except)
    {
        if (!_onNode.TryGetValue(node, out var list))
        {
            return 0;
        }
        long total = 0;
        foreach (var hold in list)
        {
            if (ReferenceEquals(hold, except))
            {
                continue;
            }
            int place = hold.PlaceOf(node);
            var held = hold.HeldAt(place);
            for (int r = 0; r < hold.Columns.Length; r++)
            {
                if (hold.Columns[r] == column)
                {
                    total += held[r];
                }
            }
        }
        return total;
    }

    /// <summary>What cluster-wide reservations hold off others of one snapshot column, leaving out <paramref name="except"/>.</summary>
    public long HeldClusterWide(int column, ReservationHold? except)
    {
        long total = 0;
        foreach (var hold in _clusterWide)
        {
            if (ReferenceEquals(hold, except))
            {
                continue;
            }
            for (int r = 0; r < hold.Columns.Length; r++)
            {
                if (hold.Columns[r] == column)
                {
                    total += hold.HeldAt(0)[r];
                }
            }
        }
        return total;
    }

    /// <summary>
    /// Free capacity of one column over ready, schedulable nodes, after what node reservations hold (except
    /// <paramref name="except"/>'s): the pool cluster-wide amounts are taken from.
    /// </summary>
    public long FreeForClusterWide(ClusterSnapshot snapshot, int column, ReservationHold? except)
    {
        var resource = snapshot.Resources[column];
        var unschedulable = snapshot.Unschedulable;
        var notReady = snapshot.NotReady;
        long free = 0;
        for (int node = 0; node < snapshot.NodeCount; node++)
        {
            if (unschedulable[node] || notReady[node])
            {
                continue;
            }
            long room = resource.Allocatable(node) - resource.Requested(node) - HeldOn(node, column, except);
            if (room > 0)
            {
                free += room;
            }
        }
        return free;
    }

    /// <summary>A copy whose holds change independently of this ledger's (for <see cref="ClusterSnapshot.Clone"/>).</summary>
    internal ReservationLedger Copy() => _holds.Count == 0 ? this : new([.. _holds.Select(h => h.Copy())]);

    /// <summary>A replica of a consuming workload came (+1) to or left (-1) a node.</summary>
    internal void Apply(ReplicaInfo replica, int node, int sign)
    {
        if (Of(replica) is not { } hold)
        {
            return;
        }
        int place = hold.PlaceOf(node);
        if (place < 0)
        {
            return;
        }
        for (int r = 0; r < hold.Amounts.Length; r++)
        {
            long amount = replica.RequestOf(hold.ResourceNames[r]);
            if (amount > 0)
            {
                hold.Consume(place, r, amount, sign);
            }
        }
    }

    /// <summary>Takes the holds of <paramref name="active"/> on the snapshot as it is now (see the remarks on order).</summary>
    internal static ReservationLedger Build(ClusterSnapshot snapshot, IReadOnlyList<ReservationSpec> active)
    {
        var ordered = active
            .OrderBy(r => r.IsClusterWide)
            .ThenByDescending(r => r.Priority)
            .ThenBy(r => r.Start ?? DateTimeOffset.MinValue)
            .ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        var holds = new List<ReservationHold>(ordered.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in ordered)
        {
            if (!seen.Add(spec.Key))
            {
                throw new ArgumentException($"reservation '{spec.Key}' is listed twice; reservation names must be unique in a namespace", nameof(active));
            }
            var names = spec.Resources.Keys.ToArray();
            var columns = new int[names.Length];
            var amounts = new long[names.Length];
            for (int r = 0; r < names.Length; r++)
            {
                columns[r] = snapshot.Resource(names[r])?.Index ?? -1;
                amounts[r] = ResourceNames.ToSchedulingUnits(names[r], spec.Resources[names[r]]);
            }
            var nodes = new List<int>();
            var missing = new List<string>();
            foreach (var name in spec.Nodes)
            {
                int index = snapshot.IndexOf(name);
                if (index < 0)
                {
                    missing.Add(name);
                }
                else
                {
                    nodes.Add(index);
                }
            }
            holds.Add(new ReservationHold(spec, names, columns, amounts, [.. nodes], missing));
        }
        var ledger = new ReservationLedger(holds);

        // What the reservations' workloads already use, counted before any hold is taken.
        for (int node = 0; node < snapshot.NodeCount; node++)
        {
            foreach (var replica in snapshot.ReplicasOn(node))
            {
                ledger.Apply(replica.Info, node, +1);
            }
        }

        // Holds, in order: each out of what is free after the ones before it. The ledger's own held amounts start at
        // zero, so HeldOn and HeldClusterWide see only the holds already taken.
        foreach (var hold in holds)
        {
            for (int place = 0; place < hold.Places; place++)
            {
                var held = hold.HeldAt(place);
                var used = hold.UsedAt(place);
                for (int r = 0; r < held.Length; r++)
                {
                    long outstanding = Math.Max(0, hold.Amounts[r] - used[r]);
                    int column = hold.Columns[r];
                    long free = 0;
                    if (column >= 0)
                    {
                        if (hold.Spec.IsClusterWide)
                        {
                            free = ledger.FreeForClusterWide(snapshot, column, except: null) - ledger.HeldClusterWide(column, except: null);
                        }
                        else
                        {
                            int node = hold.Nodes[place];
                            var resource = snapshot.Resources[column];
                            free = resource.Allocatable(node) - resource.Requested(node) - ledger.HeldOn(node, column, except: null);
                        }
                    }
                    held[r] = Math.Clamp(free, 0, outstanding);
                }
            }
        }
        return ledger;
    }
}
