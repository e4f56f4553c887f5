namespace Berth.Scheduling.Snapshot;

/// <summary>
/// One node label key across all nodes: each node's value as a small integer id (-1 when the node lacks the key),
/// and, on demand, the set of nodes holding each value.
/// </summary>
/// <remarks>
/// Value ids double as topology domain ids: spread and affinity count per id in flat arrays instead of per string.
/// A column never changes once its snapshot is built, so copies of a snapshot share it; the node sets built on demand
/// are published atomically, so schedulers on different copies may ask for them at the same time.
/// </remarks>
public sealed class LabelColumn
{
    private readonly int[] _valueOfNode;
    private readonly List<string> _values = [];
    private readonly Dictionary<string, int> _idOf = new(StringComparer.Ordinal);
    private NodeBitset?[] _nodesWithValue = [];
    private NodeBitset? _nodesWithKey;

    internal LabelColumn(string key, int nodeCount)
    {
        Key = key;
        _valueOfNode = new int[nodeCount];
        Array.Fill(_valueOfNode, -1);
    }

    /// <summary>The label key.</summary>
    public string Key { get; }

    /// <summary>Each node's value id, -1 where the node lacks the key.</summary>
    public ReadOnlySpan<int> ValueOfNode => _valueOfNode;

    /// <summary>The number of distinct values (topology domains).</summary>
    public int ValueCount => _values.Count;

    /// <summary>The text of a value id.</summary>
    public string Value(int id) => _values[id];

    /// <summary>The id of a value, or -1 when no node has it.</summary>
    public int IdOf(string value) => _idOf.TryGetValue(value, out var id) ? id : -1;

    internal void Set(int node, string value)
    {
        if (!_idOf.TryGetValue(value, out var id))
        {
            id = _values.Count;
            _values.Add(value);
            _idOf[value] = id;
            if (id == _nodesWithValue.Length)
            {
                Array.Resize(ref _nodesWithValue, Math.Max(4, id * 2));
            }
        }
        _valueOfNode[node] = id;
    }

    /// <summary>The nodes holding a value id; built on first use and kept (call outside parallel sections).</summary>
    /// <remarks>Callers only read the set: it is shared by every copy of the snapshot.</remarks>
    public NodeBitset NodesWithValue(int id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, ValueCount);
        var set = Volatile.Read(ref _nodesWithValue[id]);
        if (set is null)
        {
            set = new NodeBitset(_valueOfNode.Length);
            for (int node = 0; node < _valueOfNode.Length; node++)
            {
                if (_valueOfNode[node] == id)
                {
                    set.Add(node);
                }
            }
            // Two threads may build the same set; the first published wins and both return it.
            set = Interlocked.CompareExchange(ref _nodesWithValue[id], set, null) ?? set;
        }
        return set;
    }

    /// <summary>The nodes that have this key at all; built on first use and kept.</summary>
    /// <remarks>Callers only read the set: it is shared by every copy of the snapshot.</remarks>
    public NodeBitset NodesWithKey()
    {
        var known = Volatile.Read(ref _nodesWithKey);
        if (known is null)
        {
            var set = new NodeBitset(_valueOfNode.Length);
            for (int node = 0; node < _valueOfNode.Length; node++)
            {
                if (_valueOfNode[node] >= 0)
                {
                    set.Add(node);
                }
            }
            known = Interlocked.CompareExchange(ref _nodesWithKey, set, null) ?? set;
        }
        return known;
    }
}
