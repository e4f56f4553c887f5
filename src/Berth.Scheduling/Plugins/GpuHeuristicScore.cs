using Berth.Core.Resources;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Scores GPU replicas by one of the classic heuristics (<see cref="GpuHeuristic"/>): the baselines of the ATC '23
/// fragmentation paper, run here so comparisons are measured, not quoted. Replicas without GPUs are not scored.
/// </summary>
public sealed class GpuHeuristicScore : IPreScorePlugin, IScorePlugin
{
    /// <summary>The best-fit baseline's name in profiles.</summary>
    public const string BestFitName = "GpuBestFit";

    /// <summary>The GPU packing baseline's name in profiles.</summary>
    public const string PackingName = "GpuPacking";

    /// <summary>The dot-product baseline's name in profiles.</summary>
    public const string DotProductName = "GpuDotProduct";

    /// <summary>Raw scores are millionths of a share.</summary>
    private const double Resolution = 1_000_000;

    private readonly GpuHeuristic _heuristic;
    private long _cpu;
    private long _memory;
    private long _gpu;

    /// <summary>Creates the plugin for one heuristic.</summary>
    public GpuHeuristicScore(GpuHeuristic heuristic) => _heuristic = heuristic;

    /// <summary>The plugin's name for its heuristic.</summary>
    public string Name => _heuristic switch
    {
        GpuHeuristic.BestFit => BestFitName,
        GpuHeuristic.Packing => PackingName,
        _ => DotProductName,
    };

    /// <inheritdoc />
    public PluginStatus PreScore(SchedulingCycle cycle, ReadOnlySpan<int> feasibleNodes)
    {
        var replica = cycle.Replica;
        _gpu = replica.GpuMilli;
        _cpu = replica.RequestOf(ResourceNames.Cpu);
        _memory = replica.RequestOf(ResourceNames.Memory);
        return _gpu > 0 ? PluginStatus.Success : PluginStatus.Skip;
    }

    /// <inheritdoc />
    public void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        var snapshot = cycle.Snapshot;
        foreach (int node in nodes)
        {
            scoreByNode[node] = (long)Math.Round(Raw(snapshot, node) * Resolution);
        }
    }

    /// <inheritdoc />
    public void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode) =>
        LeadingScoreNormalization.Normalize(nodes, scoreByNode);

    private double Raw(ClusterSnapshot snapshot, int node)
    {
        double cpuCapacity = Math.Max(1, snapshot.Cpu.AllocatableArray[node]);
        double memoryCapacity = Math.Max(1, snapshot.Memory.AllocatableArray[node]);
        double cpuFree = (snapshot.Cpu.AllocatableArray[node] - snapshot.Cpu.RequestedArray[node]) / cpuCapacity;
        double memoryFree = (snapshot.Memory.AllocatableArray[node] - snapshot.Memory.RequestedArray[node]) / memoryCapacity;
        var devices = snapshot.Gpus.FreeOn(node);
        double gpuCapacity = Math.Max(1, devices.Length * GpuDevices.WholeDevice);
        long gpuFreeMilli = 0;
        bool partlyUsedFits = false;
        foreach (int free in devices)
        {
            gpuFreeMilli += free;
            partlyUsedFits |= free < GpuDevices.WholeDevice && free >= _gpu;
        }
        double gpuFree = gpuFreeMilli / gpuCapacity;
        double cpuAsked = _cpu / cpuCapacity, memoryAsked = _memory / memoryCapacity, gpuAsked = _gpu / gpuCapacity;
        switch (_heuristic)
        {
            case GpuHeuristic.BestFit:
                return -((cpuFree - cpuAsked) + (memoryFree - memoryAsked) + (gpuFree - gpuAsked));
            case GpuHeuristic.Packing:
                int tier = _gpu < GpuDevices.WholeDevice && partlyUsedFits ? 2 : gpuFreeMilli < devices.Length * GpuDevices.WholeDevice ? 1 : 0;
                return tier * 10 - (gpuFree - gpuAsked);
            default:
                return cpuAsked * cpuFree + memoryAsked * memoryFree + gpuAsked * gpuFree;
        }
    }
}
