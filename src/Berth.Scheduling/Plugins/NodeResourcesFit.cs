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

    /// <summary>Allocatable amounts below this keep every score's double division exact (see <see cref="ExactDivide"/>).</summary>
    private const long FastDivisionLimit = 1L << 46;

    /// <summary>Nodes per block in the hot loops: small enough for per-block scratch on the stack.</summary>
    private const int Block = 256;

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
    private bool _filterThreeDense;
    private long[] _zeros = [];
    private int _podsBit;

    // Per-cycle score state: one entry per scored resource that counts for this replica.
    private ResourceColumn[] _scoreColumns = [];
    private long[][] _scoreRequested = [];
    private long[][] _scoreAllocatable = [];
    private bool _allDenseLeastAllocated;
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
        _filterThreeDense = _filterCount is >= 1 and <= 3;
        for (int d = 0; d < _filterCount; d++)
        {
            _filterThreeDense &= _filterColumns[d] is { IsDense: true };
        }
        if (_zeros.Length < snapshot.NodeCount)
        {
            _zeros = new long[snapshot.NodeCount];
        }
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        if (_filterThreeDense)
        {
            return FilterThreeDense(candidates, refusals);
        }
        // Blocks of nodes, resources outer and nodes inner: each inner loop is a branch-free compare over flat arrays.
        Span<int> insufficient = stackalloc int[Block];
        int kept = 0;
        for (int start = 0; start < candidates.Length; start += Block)
        {
            int length = Math.Min(Block, candidates.Length - start);
            var block = candidates.Slice(start, length);
            var mask = insufficient[..length];
            mask.Clear();
            for (int d = 0; d < _filterCount; d++)
            {
                long amount = _filterAmounts[d];
                int bit = _filterBits[d];
                var column = _filterColumns[d];
                if (column is null)
                {
                    for (int i = 0; i < length; i++)
                    {
                        mask[i] |= bit;
                    }
                }
                else if (column.IsDense)
                {
                    var allocatable = _filterAllocatable[d];
                    var requested = _filterRequested[d];
                    for (int i = 0; i < length; i++)
                    {
                        int node = block[i];
                        mask[i] |= amount > allocatable[node] - requested[node] ? bit : 0;
                    }
                }
                else
                {
                    for (int i = 0; i < length; i++)
                    {
                        int node = block[i];
                        mask[i] |= amount > column.Allocatable(node) - column.Requested(node) ? bit : 0;
                    }
                }
            }
            for (int i = 0; i < length; i++)
            {
                int node = block[i];
                if (mask[i] == 0)
                {
                    candidates[kept++] = node;
                }
                else
                {
                    refusals.Refuse(node, mask[i]);
                }
            }
        }
        return kept;
    }

    /// <summary>
    /// Up to three dense resources (cpu, memory and pods for most replicas) in one pass per node; missing entries are
    /// padded with a zero request against zero arrays, which always fits.
    /// </summary>
    private int FilterThreeDense(Span<int> candidates, RefusalRecorder refusals)
    {
        long[] a0 = _filterAllocatable[0], q0 = _filterRequested[0];
        long[] a1 = _filterCount > 1 ? _filterAllocatable[1] : _zeros, q1 = _filterCount > 1 ? _filterRequested[1] : _zeros;
        long[] a2 = _filterCount > 2 ? _filterAllocatable[2] : _zeros, q2 = _filterCount > 2 ? _filterRequested[2] : _zeros;
        long m0 = _filterAmounts[0], m1 = _filterCount > 1 ? _filterAmounts[1] : 0, m2 = _filterCount > 2 ? _filterAmounts[2] : 0;
        int b0 = _filterBits[0], b1 = _filterCount > 1 ? _filterBits[1] : 0, b2 = _filterCount > 2 ? _filterBits[2] : 0;
        int kept = 0;
        for (int i = 0; i < candidates.Length; i++)
        {
            int node = candidates[i];
            int mask = (m0 > a0[node] - q0[node] ? b0 : 0) | (m1 > a1[node] - q1[node] ? b1 : 0) | (m2 > a2[node] - q2[node] ? b2 : 0);
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
    public bool PreemptionCanResolve(int reasonCode) => true;

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
            _scoreAllocatable = new long[resources.Count][];
            _scorePodRequest = new long[resources.Count];
            _scoreWeight = new long[resources.Count];
        }
        _scoreCount = 0;
        _allDenseLeastAllocated = _args.Strategy == ScoringStrategyType.LeastAllocated;
        foreach (var resource in resources)
        {
            var column = snapshot.Resource(resource.Name);
            long podRequest = resource.Name switch
            {
                ResourceNames.Cpu => replica.NonZeroCpu,
                ResourceNames.Memory => replica.NonZeroMemory,
                _ => replica.RequestOf(resource.Name),
            };
            // Kubernetes leaves out extended resources the replica does not request, any no node has, and the pod
            // count (its scorer has no allocatable for pods, so a configured "pods" entry never counts).
            if (column is null || resource.Name == ResourceNames.Pods || (podRequest == 0 && ResourceNames.IsScalar(resource.Name)))
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
            _scoreAllocatable[_scoreCount] = column.AllocatableArray;
            _allDenseLeastAllocated &= column.IsDense;
            _scorePodRequest[_scoreCount] = podRequest;
            _scoreWeight[_scoreCount] = resource.Weight;
            _scoreCount++;
        }
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    public void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        if (_allDenseLeastAllocated)
        {
            ScoreDenseLeastAllocated(nodes, scoreByNode);
            return;
        }
        var strategy = _args.Strategy;
        for (int i = 0; i < nodes.Length; i++)
        {
            int node = nodes[i];
            long nodeScore = 0, weightSum = 0;
            for (int d = 0; d < _scoreCount; d++)
            {
                var column = _scoreColumns[d];
                long allocatable = column.Allocatable(node);
                if (allocatable == 0)
                {
                    continue;
                }
                long requested = (column.IsDense ? _scoreRequested[d][node] : column.Requested(node)) + _scorePodRequest[d];
                long score;
                switch (strategy)
                {
                    case ScoringStrategyType.LeastAllocated:
                        score = requested > allocatable ? 0 : ExactDivide((allocatable - requested) * MaxNodeScore, allocatable);
                        break;
                    case ScoringStrategyType.MostAllocated:
                        // Kubernetes caps at 100 rather than refusing, so an over-committed node still ranks full.
                        score = ExactDivide(Math.Min(requested, allocatable) * MaxNodeScore, allocatable);
                        break;
                    default:
                        score = BrokenLinear(requested > allocatable ? 100 : requested * 100 / allocatable);
                        // Kubernetes counts a resource's weight only when its shape score is positive.
                        if (score <= 0)
                        {
                            continue;
                        }
                        break;
                }
                nodeScore += score * _scoreWeight[d];
                weightSum += _scoreWeight[d];
            }
            scoreByNode[node] = weightSum == 0 ? 0
                : strategy == ScoringStrategyType.RequestedToCapacityRatio ? (long)Math.Round((double)nodeScore / weightSum, MidpointRounding.AwayFromZero)
                : ExactDivide(nodeScore, weightSum);
        }
    }

    /// <summary>The default profile's case (LeastAllocated over dense columns), free of calls and strategy branches.</summary>
    private void ScoreDenseLeastAllocated(ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        var allocatableOf = _scoreAllocatable;
        var requestedOf = _scoreRequested;
        var podRequest = _scorePodRequest;
        var weights = _scoreWeight;
        int count = _scoreCount;
        if (count == 2)
        {
            ScoreDenseLeastAllocatedTwo(nodes, scoreByNode);
            return;
        }
        for (int i = 0; i < nodes.Length; i++)
        {
            int node = nodes[i];
            long nodeScore = 0, weightSum = 0;
            for (int d = 0; d < count; d++)
            {
                long allocatable = allocatableOf[d][node];
                if (allocatable == 0)
                {
                    continue;
                }
                long requested = requestedOf[d][node] + podRequest[d];
                long score = requested > allocatable ? 0 : ExactDivide((allocatable - requested) * MaxNodeScore, allocatable);
                nodeScore += score * weights[d];
                weightSum += weights[d];
            }
            scoreByNode[node] = weightSum == 0 ? 0 : ExactDivide(nodeScore, weightSum);
        }
    }

    /// <summary>Two resources (cpu and memory by default), unrolled: the per-node work is two divisions and no inner loop.</summary>
    private void ScoreDenseLeastAllocatedTwo(ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        long[] allocatable0 = _scoreAllocatable[0], requested0 = _scoreRequested[0];
        long[] allocatable1 = _scoreAllocatable[1], requested1 = _scoreRequested[1];
        long pod0 = _scorePodRequest[0], pod1 = _scorePodRequest[1];
        long weight0 = _scoreWeight[0], weight1 = _scoreWeight[1];
        if (_scoreColumns[0].MaxAllocatable >= FastDivisionLimit || _scoreColumns[1].MaxAllocatable >= FastDivisionLimit)
        {
            ScoreDenseLeastAllocated(nodes, scoreByNode);
            return;
        }
        double[] inverse0 = _scoreColumns[0].InverseAllocatableArray, inverse1 = _scoreColumns[1].InverseAllocatableArray;
        foreach (int node in nodes)
        {
            long nodeScore = 0, weightSum = 0;
            long a0 = allocatable0[node], a1 = allocatable1[node];
            if (a0 != 0)
            {
                long r0 = requested0[node] + pod0;
                nodeScore += (r0 > a0 ? 0 : LeastRequested(a0, r0, inverse0[node])) * weight0;
                weightSum += weight0;
            }
            if (a1 != 0)
            {
                long r1 = requested1[node] + pod1;
                nodeScore += (r1 > a1 ? 0 : LeastRequested(a1, r1, inverse1[node])) * weight1;
                weightSum += weight1;
            }
            // Scores are non-negative, so halving by shift is the integer division Kubernetes does for two unit weights.
            scoreByNode[node] = weightSum == 2 ? nodeScore >> 1 : weightSum == 0 ? 0 : nodeScore / weightSum;
        }
    }

    /// <summary>
    /// Kubernetes' <c>(allocatable - requested) * 100 / allocatable</c>, rounded down, for 0 ≤ requested ≤ allocatable &lt; 2^46,
    /// by multiplying with the precomputed inverse and correcting by one.
    /// </summary>
    /// <remarks>
    /// x * (1/a) is within a few ulps of x / a (at most 100), i.e. within 2^-44 of it, so truncation is off by at most
    /// one; the two integer checks put it right. A multiply and two integer products cost less than a division.
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static long LeastRequested(long allocatable, long requested, double inverse)
    {
        long x = (allocatable - requested) * MaxNodeScore;
        long q = (long)(x * inverse);
        if ((q + 1) * allocatable <= x)
        {
            q++;
        }
        else if (q * allocatable > x)
        {
            q--;
        }
        return q;
    }

    /// <summary>
    /// <c>a / b</c> rounded down, through a floating-point division where that is exact: 0 ≤ a &lt; 2^53, 0 &lt; b &lt; 2^46, and a / b ≤ 100 (every caller's quotient is a score).
    /// </summary>
    /// <remarks>
    /// A 64-bit integer division costs several times a double division, and this runs per node per resource.
    /// It is exact: a non-integer a/b lies more than 1/b &gt; 2^-46 from an integer, while rounding a quotient
    /// below 2^7 moves it by at most half an ulp, 2^-46, so the truncation lands on the same integer.
    /// </remarks>
    internal static long ExactDivide(long a, long b) =>
        (ulong)a < (1UL << 53) && (ulong)b < (1UL << 46) ? (long)((double)a / b) : a / b;

    /// <inheritdoc />
    public bool NormalizesScores => false;

    /// <inheritdoc />
    public void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        // Scores are already 0-100.
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
