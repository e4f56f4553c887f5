using Berth.Core.Specs;

namespace Berth.Scheduling.Snapshot;

/// <summary>
/// One active reservation in a snapshot: per reserved resource and per place it holds capacity (each named node, or
/// one place for a cluster-wide amount), how much its workloads use and how much it still holds off everyone else.
/// </summary>
/// <remarks>
/// Held is at most reserved minus used, and less when the capacity was not free when the snapshot took the hold (a
/// reservation never evicts anything). Using the reservation turns held capacity into used capacity; a consumer that
/// leaves gives its capacity back to the hold.
/// </remarks>
public sealed class ReservationHold
{
    private readonly int[] _nodes;
    private readonly long[][] _held;
    private readonly long[][] _used;

    internal ReservationHold(ReservationSpec spec, string[] resourceNames, int[] columns, long[] amounts, int[] nodes, IReadOnlyList<string> missingNodes)
    {
        Spec = spec;
        ResourceNames = resourceNames;
        Columns = columns;
        Amounts = amounts;
        _nodes = nodes;
        MissingNodes = missingNodes;
        int places = spec.IsClusterWide ? 1 : nodes.Length;
        _held = new long[places][];
        _used = new long[places][];
        for (int p = 0; p < places; p++)
        {
            _held[p] = new long[amounts.Length];
            _used[p] = new long[amounts.Length];
        }
    }

    private ReservationHold(ReservationHold source)
    {
        Spec = source.Spec;
        ResourceNames = source.ResourceNames;
        Columns = source.Columns;
        Amounts = source.Amounts;
        _nodes = source._nodes;
        MissingNodes = source.MissingNodes;
        _held = [.. source._held.Select(a => (long[])a.Clone())];
        _used = [.. source._used.Select(a => (long[])a.Clone())];
    }

    /// <summary>The reservation.</summary>
    public ReservationSpec Spec { get; }

    /// <summary>The reserved resources, parallel to every per-resource array.</summary>
    public IReadOnlyList<string> ResourceNames { get; }

    /// <summary>The position of a resource in <see cref="ResourceNames"/>, or -1 when it is not reserved.</summary>
    public int IndexOfResource(string name)
    {
        for (int r = 0; r < ResourceNames.Count; r++)
        {
            if (ResourceNames[r] == name)
            {
                return r;
            }
        }
        return -1;
    }

    /// <summary>Snapshot column per reserved resource; -1 where no node has the resource.</summary>
    internal int[] Columns { get; }

    /// <summary>The amount reserved per place, in scheduling units, per reserved resource.</summary>
    internal long[] Amounts { get; }

    /// <summary>The indexes of the named nodes the snapshot has (empty when cluster-wide).</summary>
    public IReadOnlyList<int> Nodes => _nodes;

    /// <summary>Named nodes the snapshot does not have: nothing is held for them.</summary>
    public IReadOnlyList<string> MissingNodes { get; }

    /// <summary>The number of places it holds capacity: its nodes, or one when cluster-wide.</summary>
    internal int Places => _held.Length;

    /// <summary>The place of a node (its position in <see cref="Nodes"/>; 0 for cluster-wide), or -1 when it holds nothing there.</summary>
    public int PlaceOf(int node)
    {
        if (Spec.IsClusterWide)
        {
            return 0;
        }
        return Array.IndexOf(_nodes, node);
    }

    /// <summary>Held at one place, per reserved resource.</summary>
    internal long[] HeldAt(int place) => _held[place];

    /// <summary>Used at one place, per reserved resource.</summary>
    internal long[] UsedAt(int place) => _used[place];

    /// <summary>The total reserved of one resource (by position in <see cref="ResourceNames"/>), over every place.</summary>
    public long Reserved(int resource) => Amounts[resource] * Places;

    /// <summary>The total used of one resource by the reservation's workloads, over every place.</summary>
    public long Used(int resource) => Sum(_used, resource);

    /// <summary>The total still held off others of one resource, over every place.</summary>
    public long Held(int resource) => Sum(_held, resource);

    internal ReservationHold Copy() => new(this);

    /// <summary>A consumer came (+1) or left (-1) one place, asking <paramref name="amount"/> of a resource.</summary>
    internal void Consume(int place, int resource, long amount, int sign)
    {
        var held = _held[place];
        var used = _used[place];
        if (sign > 0)
        {
            used[resource] += amount;
            held[resource] = Math.Max(0, held[resource] - amount);
        }
        else
        {
            used[resource] -= amount;
            // The leaving consumer's capacity was the reservation's: it is held again, up to what is still unused.
            held[resource] = Math.Min(held[resource] + amount, Math.Max(0, Amounts[resource] - used[resource]));
        }
    }

    private static long Sum(long[][] perPlace, int resource)
    {
        long total = 0;
        foreach (var place in perPlace)
        {
            total += place[resource];
        }
        return total;
    }
}
