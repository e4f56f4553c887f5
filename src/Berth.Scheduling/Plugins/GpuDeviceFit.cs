using Berth.Core.Resources;
using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Refuses nodes whose GPU devices cannot hold the replica: a share (below one device) needs one device with that much
/// free; whole devices need that many wholly free devices. NodeResourcesFit checks the node's GPU total; this checks
/// the devices, which shares can split (Kubernetes has no equivalent: its GPUs are whole and counted in total).
/// </summary>
public sealed class GpuDeviceFit : IPreFilterPlugin, IFilterPlugin, IExhaustedResourceReporter
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "GpuDeviceFit";

    /// <summary>The reason when no single device has room for a share.</summary>
    public const string NoDeviceForShareReason = "Insufficient nvidia.com/gpu (no single device has room for the share)";

    /// <summary>The reason when too few devices are wholly free.</summary>
    public const string TooFewWholeDevicesReason = "Insufficient nvidia.com/gpu (too few wholly free devices)";

    private long _milli;

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public PluginStatus PreFilter(SchedulingCycle cycle)
    {
        _milli = cycle.Replica.GpuMilli;
        return _milli > 0 ? PluginStatus.Success : PluginStatus.Skip;
    }

    /// <inheritdoc />
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        var gpus = cycle.Snapshot.Gpus;
        long milli = _milli;
        int kept = 0;
        foreach (int node in candidates)
        {
            if (gpus.CanFit(node, milli))
            {
                candidates[kept++] = node;
            }
            else
            {
                refusals.Refuse(node, 0);
            }
        }
        return kept;
    }

    /// <inheritdoc />
    public void DescribeRefusal(SchedulingCycle cycle, int node, int reasonCode, List<string> reasons) =>
        reasons.Add(cycle.Replica.GpuMilli < Snapshot.GpuDevices.WholeDevice ? NoDeviceForShareReason : TooFewWholeDevicesReason);

    /// <inheritdoc />
    public void ExhaustedResources(SchedulingCycle cycle, int node, int reasonCode, List<string> resources) =>
        resources.Add(ResourceNames.NvidiaGpu);

    /// <inheritdoc />
    public bool PreemptionCanResolve(int reasonCode) => true;
}
