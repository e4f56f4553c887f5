namespace Berth.Scheduling.Snapshot;

/// <summary>
/// One resource across all nodes: allocatable and requested amounts in scheduling units
/// (see <see cref="Berth.Core.Resources.ResourceNames.ToSchedulingUnits"/>).
/// </summary>
/// <remarks>
/// Resources most nodes have are dense arrays indexed by node. Extended resources that few nodes have
/// (Kubernetes' scheduler_perf gives every node its own resource name) are sparse, so the snapshot stays
/// linear in nodes rather than nodes × resource names.
/// </remarks>
public sealed class ResourceColumn
{
    private long[] _allocatable;
    private long[] _requested;
    private readonly double[] _inverseAllocatable;
    private readonly Dictionary<int, int>? _slotOfNode;

    private ResourceColumn(string name, int index, int size, bool dense)
    {
        Name = name;
        Index = index;
        _allocatable = new long[size];
        _requested = new long[size];
        _inverseAllocatable = dense ? new double[size] : [];
        _slotOfNode = dense ? null : new Dictionary<int, int>();
    }

    private ResourceColumn(ResourceColumn source)
    {
        Name = source.Name;
        Index = source.Index;
        MaxAllocatable = source.MaxAllocatable;
        _inverseAllocatable = source._inverseAllocatable;
        _requested = (long[])source._requested.Clone();
        if (source._slotOfNode is null)
        {
            // A dense column's allocatable amounts are set once, when the snapshot is built: copies share them.
            _allocatable = source._allocatable;
        }
        else
        {
            // A sparse column gains slots when a replica lands on a node without the resource: each copy owns its own.
            _allocatable = (long[])source._allocatable.Clone();
            _slotOfNode = new Dictionary<int, int>(source._slotOfNode);
        }
    }

    /// <summary>A copy whose requested amounts change independently of this column's.</summary>
    internal ResourceColumn Copy() => new(this);

    internal static ResourceColumn Dense(string name, int index, int nodeCount) => new(name, index, nodeCount, dense: true);

    internal static ResourceColumn Sparse(string name, int index) => new(name, index, 0, dense: false);

    /// <summary>The resource name.</summary>
    public string Name { get; }

    /// <summary>The column's position in the snapshot.</summary>
    public int Index { get; }

    /// <summary>True when amounts are stored per node in flat arrays.</summary>
    public bool IsDense => _slotOfNode is null;

    /// <summary>Allocatable per node (dense columns only).</summary>
    public ReadOnlySpan<long> DenseAllocatable => IsDense ? _allocatable : throw new InvalidOperationException($"resource column '{Name}' is sparse");

    /// <summary>Requested per node (dense columns only).</summary>
    public ReadOnlySpan<long> DenseRequested => IsDense ? _requested : throw new InvalidOperationException($"resource column '{Name}' is sparse");

    /// <summary>Allocatable per node for dense columns (per slot for sparse ones), for hot loops.</summary>
    internal long[] AllocatableArray => _allocatable;

    /// <summary>1 / allocatable per node for dense columns (0 where none), so scores multiply instead of divide.</summary>
    internal double[] InverseAllocatableArray => _inverseAllocatable;

    /// <summary>Requested per node for dense columns (per slot for sparse ones), for hot loops.</summary>
    internal long[] RequestedArray => _requested;

    /// <summary>The largest allocatable amount on any node (bounds the arithmetic of scores).</summary>
    public long MaxAllocatable { get; private set; }

    /// <summary>The node's allocatable amount, 0 when it has none.</summary>
    public long Allocatable(int node)
    {
        if (_slotOfNode is null)
        {
            return _allocatable[node];
        }
        return _slotOfNode.TryGetValue(node, out var slot) ? _allocatable[slot] : 0;
    }

    /// <summary>The amount requested by replicas placed on the node.</summary>
    public long Requested(int node)
    {
        if (_slotOfNode is null)
        {
            return _requested[node];
        }
        return _slotOfNode.TryGetValue(node, out var slot) ? _requested[slot] : 0;
    }

    /// <summary>The number of nodes with a nonzero allocatable amount (sparse columns), or all nodes (dense).</summary>
    public int NodesHolding => _slotOfNode?.Count ?? _allocatable.Length;

    /// <summary>The nodes that hold this resource (sparse columns only; dense columns hold it everywhere).</summary>
    public IEnumerable<int> SparseNodes => _slotOfNode is null ? [] : _slotOfNode.Keys;

    internal void SetAllocatable(int node, long amount)
    {
        // Slot first: it may grow the arrays.
        int slot = SlotFor(node);
        _allocatable[slot] = amount;
        if (_slotOfNode is null)
        {
            _inverseAllocatable[slot] = amount == 0 ? 0 : 1.0 / amount;
        }
        MaxAllocatable = Math.Max(MaxAllocatable, amount);
    }

    internal void AddRequested(int node, long amount)
    {
        int slot = SlotFor(node);
        _requested[slot] += amount;
    }

    private int SlotFor(int node)
    {
        if (_slotOfNode is null)
        {
            return node;
        }
        if (!_slotOfNode.TryGetValue(node, out var slot))
        {
            slot = _slotOfNode.Count;
            _slotOfNode[node] = slot;
            if (slot >= _allocatable.Length)
            {
                Array.Resize(ref _allocatable, Math.Max(4, slot * 2));
                Array.Resize(ref _requested, Math.Max(4, slot * 2));
            }
        }
        return slot;
    }
}
