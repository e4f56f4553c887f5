using System.Globalization;
using Berth.Core.Resources;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Keeps reserved capacity for the reservation's own workloads (Koordinator's Reservation plugin, in spirit): a node
/// reservation's hold counts as taken on its nodes for everyone else, a cluster-wide amount may not be eaten into by
/// anyone else, and a replica that uses a reservation with room on some of its nodes is placed on one of those.
/// </summary>
/// <remarks>
/// NodeResourcesFit has checked the node's free capacity before this filter runs, so this filter only adds what the
/// holds take away. A cluster-wide amount is checked against the summed free capacity of ready, schedulable nodes,
/// so it guarantees the amount, not its shape: after others land, the free capacity may be split over several nodes.
/// </remarks>
public sealed class ReservationFit : IPreFilterNodeSet, IFilterPlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "ReservationFit";

    /// <summary>Reason code of nodes outside the replica's reservation while it has room on its nodes.</summary>
    private const int OutsideReservationCode = 1 << 30;

    /// <summary>Set, with the resource's bit, when cluster-wide reservations refuse the replica everywhere.</summary>
    private const int ClusterWideCode = 1 << 29;

    private ReservationLedger _ledger = ReservationLedger.Empty;
    private ReservationHold? _own;
    private int[] _columns = [];
    private long[] _amounts = [];
    private string[] _names = [];
    private int _count;
    private NodeBitset? _nodeSet;
    private string _clusterWideReason = "";

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public bool RefusalDependsOnNode => true;

    /// <inheritdoc />
    public PluginStatus PreFilter(SchedulingCycle cycle)
    {
        var snapshot = cycle.Snapshot;
        _ledger = snapshot.Reservations;
        _nodeSet = null;
        if (_ledger.Count == 0)
        {
            return PluginStatus.Skip;
        }
        var replica = cycle.Replica;
        _own = _ledger.Of(replica);
        int n = replica.RequestColumns.Length;
        if (_columns.Length < n)
        {
            _columns = new int[n];
            _amounts = new long[n];
            _names = new string[n];
        }
        _count = 0;
        for (int i = 0; i < n; i++)
        {
            if (replica.RequestColumns[i] >= 0 && replica.RequestAmounts[i] > 0)
            {
                _columns[_count] = replica.RequestColumns[i];
                _amounts[_count] = replica.RequestAmounts[i];
                _names[_count] = replica.RequestNames[i];
                _count++;
            }
        }

        // Cluster-wide amounts held for others: what is free on ready nodes must cover them and this replica.
        for (int d = 0; d < _count; d++)
        {
            long heldForOthers = _ledger.HeldClusterWide(_columns[d], _own);
            if (heldForOthers == 0)
            {
                continue;
            }
            long free = _ledger.FreeForClusterWide(snapshot, _columns[d], _own);
            if (free - heldForOthers < _amounts[d])
            {
                var holders = _ledger.ClusterWide.Where(h => !ReferenceEquals(h, _own) && h.ResourceNames.Contains(_names[d])).Select(h => h.Spec.Key);
                _clusterWideReason = string.Format(CultureInfo.InvariantCulture, ReservationMessages.ClusterWideHeld,
                    _names[d], Amount(_names[d], free), Amount(_names[d], heldForOthers), string.Join(", ", holders), Amount(_names[d], _amounts[d]));
                return PluginStatus.Unschedulable(ClusterWideCode | Bit(d));
            }
        }

        // A replica of a node reservation with room for it on some of its nodes goes to one of those.
        if (_own is { Spec.IsClusterWide: false } own)
        {
            NodeBitset? set = null;
            for (int place = 0; place < own.Nodes.Count; place++)
            {
                if (Covers(own, place))
                {
                    set ??= new NodeBitset(snapshot.NodeCount);
                    set.Add(own.Nodes[place]);
                }
            }
            _nodeSet = set;
        }
        return _ledger.AnyNodeHolds || _nodeSet is not null ? PluginStatus.Success : PluginStatus.Skip;
    }

    /// <summary>True when what the reservation holds at a place covers every reserved resource the replica asks for.</summary>
    private bool Covers(ReservationHold hold, int place)
    {
        bool asksForReserved = false;
        var held = hold.HeldAt(place);
        for (int d = 0; d < _count; d++)
        {
            int r = hold.IndexOfResource(_names[d]);
            if (r < 0)
            {
                continue;
            }
            asksForReserved = true;
            if (held[r] < _amounts[d])
            {
                return false;
            }
        }
        return asksForReserved;
    }

    /// <inheritdoc />
    public NodeBitset? NodesToFilter(out int reasonCode)
    {
        reasonCode = OutsideReservationCode;
        return _nodeSet;
    }

    /// <inheritdoc />
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        var snapshot = cycle.Snapshot;
        int kept = 0;
        for (int i = 0; i < candidates.Length; i++)
        {
            int node = candidates[i];
            int mask = 0;
            if (_ledger.On(node) is not null)
            {
                for (int d = 0; d < _count; d++)
                {
                    int column = _columns[d];
                    long held = _ledger.HeldOn(node, column, _own);
                    if (held == 0)
                    {
                        continue;
                    }
                    var resource = snapshot.Resources[column];
                    if (_amounts[d] > resource.Allocatable(node) - resource.Requested(node) - held)
                    {
                        mask |= Bit(d);
                    }
                }
            }
            if (mask == 0)
            {
                candidates[kept++] = node;
            }
            else
            {
                refusals.Refuse(node, mask);
            }
        }
        return kept;
    }

    /// <inheritdoc />
    public bool PreemptionCanResolve(int reasonCode) => (reasonCode & OutsideReservationCode) == 0;

    /// <inheritdoc />
    public void DescribeRefusal(SchedulingCycle cycle, int node, int reasonCode, List<string> reasons)
    {
        if ((reasonCode & OutsideReservationCode) != 0)
        {
            reasons.Add(string.Format(CultureInfo.InvariantCulture, ReservationMessages.OutsideReservation, _own?.Spec.Key));
            return;
        }
        if ((reasonCode & ClusterWideCode) != 0)
        {
            reasons.Add(_clusterWideReason);
            return;
        }
        var holders = _ledger.On(node)?.Where(h => !ReferenceEquals(h, _own)).Select(h => h.Spec.Key) ?? [];
        var list = string.Join(", ", holders);
        for (int d = 0; d < _count; d++)
        {
            if ((reasonCode & Bit(d)) != 0)
            {
                reasons.Add(string.Format(CultureInfo.InvariantCulture, ReservationMessages.NodeHeld, _names[d], list));
            }
        }
    }

    private static int Bit(int position) => position < 28 ? 1 << position : 1 << 28;

    /// <summary>An amount in scheduling units as a quantity a user writes (cpu in cores or millicores, bytes with a binary suffix).</summary>
    public static string Amount(string resource, long units)
    {
        if (ResourceNames.IsCountedInMilli(resource))
        {
            return units % 1000 == 0 ? (units / 1000).ToString(CultureInfo.InvariantCulture) : units.ToString(CultureInfo.InvariantCulture) + "m";
        }
        string[] suffixes = ["Ki", "Mi", "Gi", "Ti"];
        if (resource is ResourceNames.Memory or ResourceNames.EphemeralStorage || resource.StartsWith(ResourceNames.HugePagesPrefix, StringComparison.Ordinal))
        {
            for (int i = suffixes.Length - 1; i >= 0; i--)
            {
                long size = 1L << (10 * (i + 1));
                if (units >= size && units % size == 0)
                {
                    return (units / size).ToString(CultureInfo.InvariantCulture) + suffixes[i];
                }
            }
        }
        return units.ToString(CultureInfo.InvariantCulture);
    }
}
