using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Scores GPU replicas by how little they add to the cluster's expected GPU fragmentation: the GPU share of a node that
/// the tasks the cluster sees could not use, weighted by how often each kind of task arrives (after Weng et al.,
/// "Beware of Fragmentation", USENIX ATC '23). The mix of tasks is learned online from arrivals, CPU and memory count
/// (GPUs on a node whose CPU is used up are a fragment too, and so are free GPUs its free CPU cannot feed), CPU-bound
/// nodes fill evenly so that work without GPUs finds CPU-rich nodes emptier, and replicas that ask for no GPU are not
/// scored unless <see cref="GpuFragmentationArgs.PlaceReplicasWithoutGpus"/> says so.
/// </summary>
/// <remarks>
/// <para>
/// A node's fragmentation for one kind of task is all its free GPU when the task cannot run there (model, CPU, memory,
/// too few devices), else the free share of the devices too small for it: devices with less free than a share asks,
/// or partly used devices for a task asking whole devices. The node's expected fragmentation weighs the kinds by their
/// share of recent arrivals (<see cref="GpuWorkloadMix"/>). A node scores by how much placing the replica there (on the
/// devices the snapshot would give it) raises that, least first.
/// </para>
/// <para>
/// Normalization keeps the decision the plugin's: the nodes with the least increase score 100, every other node at
/// most 97, so with weight 100 a gap of 300 separates them and the resource scores only break ties among the best.
/// Per-node results are kept until the node changes (<see cref="ClusterSnapshot.NodeStamp"/>) or the mix is published
/// again, so a decision recomputes only what moved.
/// </para>
/// </remarks>
public sealed class GpuFragmentation : IArrivalObserver, IPreScorePlugin, IScorePlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "GpuFragmentation";

    /// <summary>Raw scores are thousandths of a thousandth of a GPU.</summary>
    private const double Resolution = 1000;

    /// <summary>
    /// What spreading GPU work over CPU-bound nodes is worth in raw units: all the GPUs of a node whose CPU its GPU work
    /// needs in full, left free, weigh as much as one GPU of expected fragmentation.
    /// </summary>
    private const double SpreadWeight = GpuDevices.WholeDevice * Resolution;

    /// <summary>
    /// Results after placing are kept for this many kinds of task per node (the first seen); rarer kinds beyond them
    /// are computed each time, so memory stays nodes × this, whatever the variety of requests.
    /// </summary>
    private const int MaxCachedShapes = 256;

    /// <summary>Nodes with more devices than this sort them on the heap.</summary>
    private const int StackDevices = 64;

    private readonly GpuFragmentationArgs _args;
    private GpuWorkloadMix _mix = new();
    private GpuModels? _models;
    private ReplicaInfo? _lastInfo;
    private ulong _lastAllowed;

    // This cycle's replica.
    private int _shape = -1;
    private long _cpu;
    private long _memory;
    private long _gpu;

    // Per node (and per node and shape): the fragmentation now and after placing a shape, with the key it is valid for.
    private long[] _beforeKey = [];
    private double[] _before = [];
    private long[] _afterKey = [];
    private double[] _after = [];
    private int _nodeCount;
    private int _shapeCapacity;

    /// <summary>Scores GPU replicas only (<see cref="GpuFragmentationArgs.Default"/>).</summary>
    public GpuFragmentation()
        : this(GpuFragmentationArgs.Default)
    {
    }

    /// <summary>Scores as the arguments say.</summary>
    public GpuFragmentation(GpuFragmentationArgs args) => _args = args;

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public void Arrived(SchedulingCycle cycle)
    {
        var snapshot = cycle.Snapshot;
        var column = snapshot.Labels(WellKnownLabels.GpuModel);
        if (_models is null || !ReferenceEquals(_models.Column, column))
        {
            // Another cluster (its model bits differ): learn its mix afresh.
            _models = new GpuModels(snapshot);
            _mix = new GpuWorkloadMix();
            _lastInfo = null;
            _nodeCount = -1;
        }
        var replica = cycle.Replica;
        if (!ReferenceEquals(replica, _lastInfo))
        {
            _lastInfo = replica;
            _lastAllowed = _models.AllowedFor(replica.Workload);
        }
        _cpu = replica.RequestOf(ResourceNames.Cpu);
        _memory = replica.RequestOf(ResourceNames.Memory);
        _gpu = replica.GpuMilli;
        _shape = _mix.Observe(new GpuTaskShape(_cpu, _memory, _gpu, _lastAllowed));
    }

    /// <inheritdoc />
    public PluginStatus PreScore(SchedulingCycle cycle, ReadOnlySpan<int> feasibleNodes)
    {
        if ((cycle.Replica.GpuMilli <= 0 && !_args.PlaceReplicasWithoutGpus) || _shape < 0 || !ReferenceEquals(cycle.Replica, _lastInfo))
        {
            return PluginStatus.Skip;
        }
        EnsureCapacity(cycle.Snapshot.NodeCount, _mix.ShapeCount);
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    public void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        var snapshot = cycle.Snapshot;
        var mix = _mix;
        var models = _models!;
        long epoch = (long)mix.Epoch << 48;
        foreach (int node in nodes)
        {
            // Stamps stay far below 2^48; the epoch in the top bits makes a key valid for one mix only.
            long key = snapshot.NodeStamp(node) ^ epoch;
            if (_beforeKey[node] != key)
            {
                _before[node] = Fragmentation(snapshot, mix, node, models.BitOf(node), 0, 0, 0);
                _beforeKey[node] = key;
            }
            double after;
            if (_shape < _shapeCapacity)
            {
                int slot = node * _shapeCapacity + _shape;
                if (_afterKey[slot] != key)
                {
                    _after[slot] = Fragmentation(snapshot, mix, node, models.BitOf(node), _cpu, _memory, _gpu);
                    _afterKey[slot] = key;
                }
                after = _after[slot];
            }
            else
            {
                after = Fragmentation(snapshot, mix, node, models.BitOf(node), _cpu, _memory, _gpu);
            }
            long gpuLeft = -_gpu;
            int devices = 0;
            foreach (int free in snapshot.Gpus.FreeOn(node))
            {
                gpuLeft += free;
                devices++;
            }
            double raw = (_before[node] - after) * Resolution;
            if (_gpu > 0)
            {
                raw += SpreadWeight * CpuBoundFreeShare(snapshot, mix, node, devices, gpuLeft);
            }
            // Among otherwise equal nodes, the one left with the least free GPU (best fit): one unit breaks only ties.
            scoreByNode[node] = (long)Math.Round(raw) - gpuLeft;
        }
    }

    /// <inheritdoc />
    public void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode) =>
        LeadingScoreNormalization.Normalize(nodes, scoreByNode);

    /// <summary>
    /// The share of the node's GPUs left free after placing, weighted by how much of the node's CPU its GPU work needs
    /// (squared, at most 1). Replicas without GPUs go where LeastAllocated finds the most CPU and memory free; a node
    /// whose GPUs stay free while other nodes fill looks emptiest, and CPU taken there leaves its GPUs without the CPU
    /// they need. Filling CPU-bound nodes evenly keeps them looking fuller than CPU-rich ones, which then take that work.
    /// It also keeps GPU work from packing the few devices of CPU-rich nodes first, which work bound to their model needs.
    /// Only GPU replicas are scored by it: one without GPUs leaves every node's GPUs as they are.
    /// </summary>
    private static double CpuBoundFreeShare(ClusterSnapshot snapshot, GpuWorkloadMix mix, int node, int devices, long gpuLeft)
    {
        long cpu = snapshot.Cpu.AllocatableArray[node];
        if (devices == 0 || cpu <= 0)
        {
            return 0;
        }
        long gpuTotal = (long)devices * GpuDevices.WholeDevice;
        double bound = Math.Min(1.0, mix.CpuPerGpuMilli * gpuTotal / cpu);
        return bound * bound * gpuLeft / gpuTotal;
    }

    /// <summary>
    /// The node's expected GPU fragmentation, in thousandths of a GPU, after taking the given CPU, memory and GPU from
    /// it (0, 0, 0: as it is); a GPU request takes the devices <see cref="GpuDevices"/> would give it.
    /// </summary>
    /// <param name="model">The node's model bit (<see cref="GpuModels.BitOf"/>).</param>
    internal static double Fragmentation(ClusterSnapshot snapshot, GpuWorkloadMix mix, int node, ulong model, long cpu, long memory, long gpu)
    {
        var devices = snapshot.Gpus.FreeOn(node);
        if (devices.Length == 0)
        {
            return 0;
        }
        Span<int> free = devices.Length <= StackDevices ? stackalloc int[StackDevices] : new int[devices.Length];
        free = free[..devices.Length];
        devices.CopyTo(free);
        SortAscending(free);
        if (gpu > 0)
        {
            Take(free, gpu);
        }
        long total = 0, partial = 0;
        int whole = 0;
        foreach (int f in free)
        {
            total += f;
            if (f == GpuDevices.WholeDevice)
            {
                whole++;
            }
            else
            {
                partial += f;
            }
        }
        if (total == 0)
        {
            return 0;
        }
        long cpuFree = snapshot.Cpu.AllocatableArray[node] - snapshot.Cpu.RequestedArray[node] - cpu;
        long memoryFree = snapshot.Memory.AllocatableArray[node] - snapshot.Memory.RequestedArray[node] - memory;
        var shapeCpu = mix.Cpu;
        var shapeMemory = mix.Memory;
        var shapeGpu = mix.GpuMilli;
        var shapeModels = mix.Models;
        var share = mix.Share;
        double fragment = 0;
        for (int t = 0; t < mix.Count; t++)
        {
            if ((shapeModels[t] & model) == 0 || shapeCpu[t] > cpuFree || shapeMemory[t] > memoryFree)
            {
                fragment += share[t] * total;
                continue;
            }
            long asked = shapeGpu[t];
            if (asked <= 0)
            {
                continue;
            }
            if (asked < GpuDevices.WholeDevice)
            {
                long small = 0;
                for (int d = 0; d < free.Length && free[d] < asked; d++)
                {
                    small += free[d];
                }
                fragment += share[t] * small;
            }
            else
            {
                fragment += share[t] * (whole * GpuDevices.WholeDevice >= asked ? partial : total);
            }
        }
        // Free GPUs the node's free CPU cannot feed at the mix's CPU per GPU are lost to whatever arrives, a little at
        // a time: CPU-hungry GPU work placed where CPU is scarce strands the devices beside it long before a kind of
        // task stops fitting, so CPU-rich nodes take it and CPU-poor nodes keep their CPU for their own GPUs.
        if (mix.CpuPerGpuMilli > 0)
        {
            double fed = Math.Max(0, cpuFree) / mix.CpuPerGpuMilli;
            if (fed < total)
            {
                fragment += total - fed;
            }
        }
        return fragment;
    }

    /// <summary>Takes a request from ascending free shares as <see cref="GpuDevices"/> assigns it, keeping them ascending.</summary>
    private static void Take(Span<int> free, long gpu)
    {
        if (gpu < GpuDevices.WholeDevice)
        {
            // The fullest device it fits on: the first in ascending order with room.
            for (int d = 0; d < free.Length; d++)
            {
                if (free[d] >= gpu)
                {
                    free[d] -= (int)gpu;
                    break;
                }
            }
        }
        else
        {
            long devices = (gpu + GpuDevices.WholeDevice - 1) / GpuDevices.WholeDevice;
            for (int d = free.Length - 1; d >= 0 && devices > 0 && free[d] == GpuDevices.WholeDevice; d--, devices--)
            {
                free[d] = 0;
            }
        }
        SortAscending(free);
    }

    private static void SortAscending(Span<int> values)
    {
        for (int i = 1; i < values.Length; i++)
        {
            int v = values[i], j = i - 1;
            while (j >= 0 && values[j] > v)
            {
                values[j + 1] = values[j];
                j--;
            }
            values[j + 1] = v;
        }
    }

    private void EnsureCapacity(int nodeCount, int shapeCount)
    {
        if (nodeCount == _nodeCount && (shapeCount <= _shapeCapacity || _shapeCapacity >= MaxCachedShapes))
        {
            return;
        }
        if (nodeCount != _nodeCount)
        {
            _beforeKey = new long[nodeCount];
            _before = new double[nodeCount];
            Array.Fill(_beforeKey, -1);
        }
        _shapeCapacity = Math.Min(MaxCachedShapes, Math.Max(16, Math.Max(shapeCount, _shapeCapacity * 2)));
        _afterKey = new long[nodeCount * _shapeCapacity];
        _after = new double[nodeCount * _shapeCapacity];
        Array.Fill(_afterKey, -1);
        _nodeCount = nodeCount;
    }
}
