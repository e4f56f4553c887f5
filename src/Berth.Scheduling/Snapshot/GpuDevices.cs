using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Scheduling.Snapshot;

/// <summary>
/// Every node's GPUs (<c>nvidia.com/gpu</c>) as separate devices, each with its free share in thousandths of a device.
/// A replica asks for whole devices (1000 per device, all on one node) or for a share of a single device (below 1000).
/// </summary>
/// <remarks>
/// The aggregate amount in the resource column says whether a node has enough GPU in total; only the devices can
/// say whether a share fits on one device, or whether enough devices are wholly free once shares have split them.
/// Devices are stored flat: node i owns devices <c>[start[i], start[i+1])</c>.
/// </remarks>
public sealed class GpuDevices
{
    /// <summary>One whole device, in the thousandths GPU amounts are counted in.</summary>
    public const int WholeDevice = 1000;

    private readonly int[] _start;
    private readonly int[] _free;

    internal GpuDevices(IReadOnlyList<NodeSpec> nodes)
    {
        _start = new int[nodes.Count + 1];
        for (int i = 0; i < nodes.Count; i++)
        {
            // A node advertises whole devices; a fractional allocatable counts its whole devices only.
            long whole = (long)decimal.Floor(nodes[i].Allocatable.Get(ResourceNames.NvidiaGpu).Amount);
            _start[i + 1] = _start[i] + (int)Math.Max(0, whole);
        }
        _free = new int[_start[^1]];
        Array.Fill(_free, WholeDevice);
    }

    private GpuDevices(GpuDevices source)
    {
        // Device counts are fixed when the snapshot is built; only the free shares change.
        _start = source._start;
        _free = (int[])source._free.Clone();
    }

    /// <summary>A copy whose free shares change independently of these.</summary>
    internal GpuDevices Copy() => new(this);

    /// <summary>The number of devices on a node.</summary>
    public int DeviceCount(int node) => _start[node + 1] - _start[node];

    /// <summary>The free share of one device of a node, in thousandths.</summary>
    public int Free(int node, int device) => _free[_start[node] + device];

    /// <summary>The free share of every device of a node, in thousandths, by device index.</summary>
    public ReadOnlySpan<int> FreeOn(int node) => _free.AsSpan(_start[node], _start[node + 1] - _start[node]);

    /// <summary>True when the node can give <paramref name="milli"/> (whole devices, or a share of one device).</summary>
    public bool CanFit(int node, long milli)
    {
        int start = _start[node], end = _start[node + 1];
        if (milli <= 0)
        {
            return true;
        }
        if (milli < WholeDevice)
        {
            for (int d = start; d < end; d++)
            {
                if (_free[d] >= milli)
                {
                    return true;
                }
            }
            return false;
        }
        long needed = WholeDevices(milli), wholeFree = 0;
        for (int d = start; d < end && wholeFree < needed; d++)
        {
            wholeFree += _free[d] == WholeDevice ? 1 : 0;
        }
        return wholeFree >= needed;
    }

    /// <summary>
    /// Takes devices for a replica: whole devices lowest index first; a share from the fullest device it fits on
    /// (best fit, keeping whole devices whole). Returns the device indexes on the node, empty when it cannot fit.
    /// </summary>
    internal int[] Assign(int node, long milli)
    {
        if (milli <= 0 || !CanFit(node, milli))
        {
            return [];
        }
        int start = _start[node], end = _start[node + 1];
        if (milli < WholeDevice)
        {
            int best = -1;
            for (int d = start; d < end; d++)
            {
                if (_free[d] >= milli && (best < 0 || _free[d] < _free[best]))
                {
                    best = d;
                }
            }
            _free[best] -= (int)milli;
            return [best - start];
        }
        var taken = new int[WholeDevices(milli)];
        int count = 0;
        for (int d = start; d < end && count < taken.Length; d++)
        {
            if (_free[d] == WholeDevice)
            {
                _free[d] = 0;
                taken[count++] = d - start;
            }
        }
        return taken;
    }

    /// <summary>Takes the given devices for a replica if each is on the node and has room; takes nothing otherwise.</summary>
    internal bool TryTake(int node, long milli, IReadOnlyList<int> devices)
    {
        int share = milli < WholeDevice ? (int)milli : WholeDevice;
        if (milli <= 0 || devices.Count != (milli < WholeDevice ? 1 : WholeDevices(milli)) || devices.Distinct().Count() != devices.Count)
        {
            return false;
        }
        foreach (int device in devices)
        {
            if (device < 0 || device >= DeviceCount(node) || _free[_start[node] + device] < share)
            {
                return false;
            }
        }
        Retake(node, milli, devices);
        return true;
    }

    /// <summary>Gives back what <see cref="Assign"/> took.</summary>
    internal void Release(int node, long milli, IReadOnlyList<int> devices) => Adjust(node, milli, devices, +1);

    /// <summary>Takes the very devices a replica held before (undoing a simulated eviction).</summary>
    internal void Retake(int node, long milli, IReadOnlyList<int> devices) => Adjust(node, milli, devices, -1);

    private void Adjust(int node, long milli, IReadOnlyList<int> devices, int sign)
    {
        int share = milli < WholeDevice ? (int)milli : WholeDevice;
        foreach (int device in devices)
        {
            _free[_start[node] + device] += sign * share;
        }
    }

    private static long WholeDevices(long milli) => (milli + WholeDevice - 1) / WholeDevice;
}
