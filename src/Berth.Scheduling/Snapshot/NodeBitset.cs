using System.Numerics;

namespace Berth.Scheduling.Snapshot;

/// <summary>A set of node indexes as a bit array: one bit per node, 64 nodes per word.</summary>
/// <remarks>Selectors are evaluated once per cycle as bitset unions and intersections, so filters test one bit per node.</remarks>
public sealed class NodeBitset
{
    private ulong[] _words;

    /// <summary>Creates an empty set for <paramref name="nodeCount"/> nodes.</summary>
    public NodeBitset(int nodeCount)
    {
        NodeCount = nodeCount;
        _words = new ulong[(nodeCount + 63) >> 6];
    }

    /// <summary>How many nodes the set can hold.</summary>
    public int NodeCount { get; private set; }

    /// <summary>The words, for bulk operations.</summary>
    public Span<ulong> Words => _words;

    /// <summary>True when the node is in the set.</summary>
    public bool Contains(int node) => (_words[node >> 6] & (1UL << (node & 63))) != 0;

    /// <summary>Adds a node.</summary>
    public void Add(int node) => _words[node >> 6] |= 1UL << (node & 63);

    /// <summary>Removes a node.</summary>
    public void Remove(int node) => _words[node >> 6] &= ~(1UL << (node & 63));

    /// <summary>Empties the set, resizing it for <paramref name="nodeCount"/> nodes when needed (reuses the buffer).</summary>
    public void Clear(int nodeCount)
    {
        int words = (nodeCount + 63) >> 6;
        if (_words.Length < words)
        {
            _words = new ulong[words];
        }
        else
        {
            Array.Clear(_words);
        }
        NodeCount = nodeCount;
    }

    /// <summary>Fills the set with every node.</summary>
    public void SetAll()
    {
        Array.Fill(_words, ulong.MaxValue);
        int tail = NodeCount & 63;
        if (tail != 0)
        {
            _words[(NodeCount - 1) >> 6] = (1UL << tail) - 1;
        }
    }

    /// <summary>Keeps only nodes also in <paramref name="other"/>.</summary>
    public void IntersectWith(NodeBitset other)
    {
        var a = _words.AsSpan();
        var b = other._words.AsSpan();
        for (int i = 0; i < a.Length; i++)
        {
            a[i] &= i < b.Length ? b[i] : 0;
        }
    }

    /// <summary>Adds every node of <paramref name="other"/>.</summary>
    public void UnionWith(NodeBitset other)
    {
        var a = _words.AsSpan();
        var b = other._words.AsSpan();
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            a[i] |= b[i];
        }
    }

    /// <summary>Removes every node of <paramref name="other"/>.</summary>
    public void ExceptWith(NodeBitset other)
    {
        var a = _words.AsSpan();
        var b = other._words.AsSpan();
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            a[i] &= ~b[i];
        }
    }

    /// <summary>Copies <paramref name="other"/> into this set.</summary>
    public void CopyFrom(NodeBitset other)
    {
        Clear(other.NodeCount);
        other._words.AsSpan(0, (other.NodeCount + 63) >> 6).CopyTo(_words);
    }

    /// <summary>The number of nodes in the set.</summary>
    public int Count()
    {
        int count = 0;
        foreach (var w in _words)
        {
            count += BitOperations.PopCount(w);
        }
        return count;
    }
}
