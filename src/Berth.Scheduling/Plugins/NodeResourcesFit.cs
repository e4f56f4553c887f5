using Berth.Core.Resources;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Filters nodes without room for the replica's requests and scores the rest by how much of each resource would be
/// used (Kubernetes' NodeResourcesFit: LeastAllocated, MostAllocated or RequestedToCapacityRatio).
/// </summary>
public sealed class NodeResourcesFit : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin, IExhaustedResourceReporter
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "NodeResourcesFit";

    private const int MaxNodeScore = 100;

    private readonly NodeResourcesFitArgs _args;
    private readonly long[] _shapeUtilization;
    private readonly long[] _shapeScore;

    // Per-cycle filter state: the replica's nonzero requests, one entry per request position.
    private long[][] _filterAllocatable = [];
    private long[][] _filterRequested = [];
    private ResourceColumn?[] _filterColumns = [];
    private long[] _filterAmounts = [];
    private int[] _filterBits = [];
    private int _filterCount;
    private int _podsBit;

    // Per-cycle score state: one entry per scored resource that counts for this replica.
    private ResourceColumn[] _scoreColumns = [];
    private long[][] _scoreRequested = [];
    private long[] _scorePodRequest = [];
    private long[] _scoreWeight = [];
    private int _scoreCount;

    /// <summary>Creates the plugin; throws <see cref="ProfileException"/> for invalid arguments.</summary>
    public NodeResourcesFit(NodeResourcesFitArgs args)
    {
        if (args.Validate() is { } error)
        {
            throw new ProfileException($"plugin '{Name}' args: {error}");
        }
        _args = args;
        var shape = args.Shape.Count > 0 ? args.Shape : NodeResourcesFitArgs.DefaultShape;
        _shapeUtilization = [.. shape.Select(p => (long)p.Utilization)];
        // Shape scores are 0-10 (Kubernetes' MaxCustomPriorityScore); scale them to 0-100.
        _shapeScore = [.. shape.Select(p => (long)p.Score * (MaxNodeScore / 10))];
    }

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public PluginStatus PreFilter(SchedulingCycle cycle)
    {
        var replica = cycle.Replica;
        var snapshot = cycle.Snapshot;
        int n = replica.RequestColumns.Length;
        EnsureFilterCapacity(n);
        _filterCount = 0;
        _podsBit = 0;
        for (int i = 0; i < n; i++)
        {
            int columnIndex = replica.RequestColumns[i];
            var column = columnIndex >= 0 ? snapshot.Resources[columnIndex] : null;
            int bit = i < 31 ? 1 << i : 1 << 30;
            if (replica.RequestNames[i] == ResourceNames.Pods)
            {
                _podsBit = bit;
            }
            _filterColumns[_filterCount] = column;
            _filterAllocatable[_filterCount] = column is { IsDense: true } ? column.AllocatableArray : [];
            _filterRequested[_filterCount] = column is { IsDense: true } ? column.RequestedArray : [];
            _filterAmounts[_filterCount] = replica.RequestAmounts[i];
            _filterBits[_filterCount] = bit;
            _filterCount++;
        }
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        int kept = 0;
        int count = _filterCount;
        for (int c = 0; c < candidates.Length; c++)
        {
            int node = candidates[c];
            int insufficient = 0;
            for (int d = 0; d < count; d++)
            {
                var column = _filterColumns[d];
                long free;
                if (column is null)
                {
                    free = 0;
                }
                else if (column.IsDense)
                {
                    free = _filterAllocatable[d][node] - _filterRequested[d][node];
                }
                else
                {
                    free = column.Allocatable(node) - column.Requested(node);
                }
                if (_filterAmounts[d] > free)
                {
                    insufficient |= _filterBits[d];
                }
            }
            if (insufficient == 0)
            {
                candidates[kept++] = node;
            }
            else
            {
                refusals.Refuse(node, insufficient);
            }
        }
        return kept;
    }

    /// <inheritdoc />
    public void DescribeRefusal(SchedulingCycle cycle, int node, int reasonCode, List<string> reasons)
    {
        var names = new List<string>();
        ExhaustedResources(cycle, node, reasonCode, names);
        foreach (var name in names)
        {
            reasons.Add(name == ResourceNames.Pods ? "Too many pods" : $"Insufficient {name}");
        }
    }

    /// <inheritdoc />
    public void ExhaustedResources(SchedulingCycle cycle, int node, int reasonCode, List<string> resources)
    {
        // Kubernetes reports pods first, then cpu, memory, ephemeral-storage, then the other resources.
        var names = cycle.Replica.RequestNames;
        var insufficient = new List<string>();
        for (int i = 0; i < names.Length; i++)
        {
            int bit = i < 31 ? 1 << i : 1 << 30;
            if ((reasonCode & bit) != 0)
            {
                insufficient.Add(names[i]);
            }
        }
        string[] order = [ResourceNames.Pods, ResourceNames.Cpu, ResourceNames.Memory, ResourceNames.EphemeralStorage];
        foreach (var name in order)
        {
            if (insufficient.Remove(name))
            {
                resources.Add(name);
            }
        }
        insufficient.Sort(StringComparer.Ordinal);
        resources.AddRange(insufficient);
    }

    /// <inheritdoc />
    public PluginStatus PreScore(SchedulingCycle cycle, ReadOnlySpan<int> feasibleNodes)
    {
        var snapshot = cycle.Snapshot;
        var replica = cycle.Replica;
        var resources = _args.Resources;
        if (_scoreColumns.Length < resources.Count)
        {
            _scoreColumns = new ResourceColumn[resources.Count];
            _scoreRequested = new long[resources.Count][];
            _scorePodRequest = new long[resources.Count];
            _scoreWeight = new long[resources.Count];
        }
        _scoreCount = 0;
        foreach (var resource in resources)
        {
            var column = snapshot.Resource(resource.Name);
            long podRequest = resource.Name switch
            {
                ResourceNames.Cpu => replica.NonZeroCpu,
                ResourceNames.Memory => replica.NonZeroMemory,
                _ => replica.RequestOf(resource.Name),
            };
            // Kubernetes leaves out extended resources the replica does not request, and any no node has.
            if (column is null || (podRequest == 0 && ResourceNames.IsScalar(resource.Name)))
            {
                continue;
            }
            _scoreColumns[_scoreCount] = column;
            _scoreRequested[_scoreCount] = resource.Name switch
            {
                ResourceNames.Cpu => snapshot.NonZeroCpuArray,
                ResourceNames.Memory => snapshot.NonZeroMemoryArray,
                _ => column.IsDense ? column.RequestedArray : [],
            };
            _scorePodRequest[_scoreCount] = podRequest;
            _scoreWeight[_scoreCount] = resource.Weight;
            _scoreCount++;
        }
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    public void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        var strategy = _args.Strategy;
        int count = _scoreCount;
        for (int i = 0; i < nodes.Length; i++)
        {
            int node = nodes[i];
            long nodeScore = 0, weightSum = 0;
            for (int d = 0; d < count; d++)
            {
                var column = _scoreColumns[d];
                long allocatable, requested;
                if (column.IsDense)
                {
                    allocatable = column.AllocatableArray[node];
                    requested = _scoreRequested[d][node] + _scorePodRequest[d];
                }
                else
                {
                    allocatable = column.Allocatable(node);
                    requested = column.Requested(node) + _scorePodRequest[d];
                }
                if (allocatable == 0)
                {
                    continue;
                }
                long weight = _scoreWeight[d];
                switch (strategy)
                {
                    case ScoringStrategyType.LeastAllocated:
                        nodeScore += LeastRequested(requested, allocatable) * weight;
                        weightSum += weight;
                        break;
                    case ScoringStrategyType.MostAllocated:
                        nodeScore += MostRequested(requested, allocatable) * weight;
                        weightSum += weight;
                        break;
                    default:
                        long score = BrokenLinear(requested > allocatable ? 100 : requested * 100 / allocatable);
                        // Kubernetes counts a resource's weight only when its shape score is positive.
                        if (score > 0)
                        {
                            nodeScore += score * weight;
                            weightSum += weight;
                        }
                        break;
                }
            }
            if (weightSum == 0)
            {
                scoreByNode[node] = 0;
            }
            else if (strategy == ScoringStrategyType.RequestedToCapacityRatio)
            {
                scoreByNode[node] = (long)Math.Round((double)nodeScore / weightSum, MidpointRounding.AwayFromZero);
            }
            else
            {
                scoreByNode[node] = nodeScore / weightSum;
            }
        }
    }

    /// <inheritdoc />
    public void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        // Scores are already 0-100.
    }

    private static long LeastRequested(long requested, long capacity)
    {
        if (capacity == 0 || requested > capacity)
        {
            return 0;
        }
        return (capacity - requested) * MaxNodeScore / capacity;
    }

    private static long MostRequested(long requested, long capacity)
    {
        if (capacity == 0)
        {
            return 0;
        }
        if (requested > capacity)
        {
            // Kubernetes caps at 100 rather than refusing, so a node over-committed by other means still ranks full.
            requested = capacity;
        }
        return requested * MaxNodeScore / capacity;
    }

    private long BrokenLinear(long utilization)
    {
        var u = _shapeUtilization;
        var s = _shapeScore;
        for (int i = 0; i < u.Length; i++)
        {
            if (utilization <= u[i])
            {
                return i == 0 ? s[0] : s[i - 1] + (s[i] - s[i - 1]) * (utilization - u[i - 1]) / (u[i] - u[i - 1]);
            }
        }
        return s[^1];
    }

    private void EnsureFilterCapacity(int n)
    {
        if (_filterColumns.Length < n)
        {
            _filterColumns = new ResourceColumn?[n];
            _filterAllocatable = new long[n][];
            _filterRequested = new long[n][];
            _filterAmounts = new long[n];
            _filterBits = new int[n];
        }
    }
}
