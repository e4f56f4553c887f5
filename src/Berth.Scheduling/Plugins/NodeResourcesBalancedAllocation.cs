using Berth.Core.Resources;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Prefers nodes whose resources would be used in equal shares after placing the replica (Kubernetes'
/// NodeResourcesBalancedAllocation): score = (1 − standard deviation of requested/allocatable fractions) × 100.
/// </summary>
/// <remarks>
/// As Kubernetes v1.35, it counts actual requests (not the 100m/200Mi scoring defaults), on the node and of the replica,
/// and skips replicas that request none of the scored resources, so such replicas do not all pile onto one node.
/// </remarks>
public sealed class NodeResourcesBalancedAllocation : IPreScorePlugin, IScorePlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "NodeResourcesBalancedAllocation";

    private const double MaxNodeScore = 100;

    private readonly NodeResourcesBalancedAllocationArgs _args;

    // Per cycle: one entry per resource that counts for this replica.
    private ResourceColumn[] _columns = [];
    private long[] _podRequest = [];
    private int _count;

    /// <summary>Creates the plugin; throws <see cref="ProfileException"/> for invalid arguments.</summary>
    public NodeResourcesBalancedAllocation(NodeResourcesBalancedAllocationArgs args)
    {
        if (args.Validate() is { } error)
        {
            throw new ProfileException($"plugin '{Name}' args: {error}");
        }
        _args = args;
    }

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public PluginStatus PreScore(SchedulingCycle cycle, ReadOnlySpan<int> feasibleNodes)
    {
        var snapshot = cycle.Snapshot;
        var replica = cycle.Replica;
        var resources = _args.Resources;
        if (_columns.Length < resources.Count)
        {
            _columns = new ResourceColumn[resources.Count];
            _podRequest = new long[resources.Count];
        }
        _count = 0;
        bool requestsAny = false;
        foreach (var resource in resources)
        {
            // Kubernetes' pod requests never include the pod count, so "pods" requests 0 and has no allocatable here.
            long request = resource.Name == ResourceNames.Pods ? 0 : replica.RequestOf(resource.Name);
            requestsAny |= request != 0;
            var column = snapshot.Resource(resource.Name);
            // Left out: pods, extended resources the replica does not request, and resources no node has.
            if (resource.Name == ResourceNames.Pods || column is null || (request == 0 && ResourceNames.IsScalar(resource.Name)))
            {
                continue;
            }
            _columns[_count] = column;
            _podRequest[_count] = request;
            _count++;
        }
        // Best-effort (requests none of the resources): Kubernetes skips the score (kubernetes#129138).
        return requestsAny ? PluginStatus.Success : PluginStatus.Skip;
    }

    /// <inheritdoc />
    public void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        int count = _count;
        if (count == 2 && _columns[0].IsDense && _columns[1].IsDense)
        {
            ScoreTwoDense(nodes, scoreByNode);
            return;
        }
        foreach (int node in nodes)
        {
            // First pass: how many resources count on this node, their sum, and the first two fractions (the common case).
            int fractions = 0;
            double total = 0, first = 0, second = 0;
            for (int d = 0; d < count; d++)
            {
                if (Fraction(d, node, out double fraction))
                {
                    if (fractions == 0)
                    {
                        first = fraction;
                    }
                    else if (fractions == 1)
                    {
                        second = fraction;
                    }
                    total += fraction;
                    fractions++;
                }
            }
            double std = 0;
            if (fractions == 2)
            {
                std = Math.Abs((first - second) / 2);
            }
            else if (fractions > 2)
            {
                // Population standard deviation; fractions are recomputed rather than buffered, so scoring
                // stays allocation-free and safe on parallel node ranges.
                double mean = total / fractions;
                double sum = 0;
                for (int d = 0; d < count; d++)
                {
                    if (Fraction(d, node, out double fraction))
                    {
                        sum += (fraction - mean) * (fraction - mean);
                    }
                }
                std = Math.Sqrt(sum / fractions);
            }
            scoreByNode[node] = (long)((1 - std) * MaxNodeScore);
        }
    }

    /// <inheritdoc />
    public bool NormalizesScores => false;

    /// <inheritdoc />
    public void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        // Scores are already 0-100.
    }

    /// <summary>requested/allocatable capped at 1, or false when the node has none of the resource.</summary>
    /// <summary>
    /// cpu and memory, the default: the same arithmetic as the general loop (fractions capped at 1, std = |f0 - f1| / 2,
    /// a resource with no allocatable left out), unrolled over flat arrays because it runs per node per decision.
    /// </summary>
    private void ScoreTwoDense(ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        long[] allocatable0 = _columns[0].AllocatableArray, requested0 = _columns[0].RequestedArray;
        long[] allocatable1 = _columns[1].AllocatableArray, requested1 = _columns[1].RequestedArray;
        long pod0 = _podRequest[0], pod1 = _podRequest[1];
        foreach (int node in nodes)
        {
            long a0 = allocatable0[node], a1 = allocatable1[node];
            double std = 0;
            if (a0 != 0 && a1 != 0)
            {
                double f0 = Math.Min(1.0, (double)(requested0[node] + pod0) / a0);
                double f1 = Math.Min(1.0, (double)(requested1[node] + pod1) / a1);
                std = Math.Abs((f0 - f1) / 2);
            }
            scoreByNode[node] = (long)((1 - std) * MaxNodeScore);
        }
    }

    private bool Fraction(int d, int node, out double fraction)
    {
        var column = _columns[d];
        long allocatable, requested;
        if (column.IsDense)
        {
            allocatable = column.AllocatableArray[node];
            requested = column.RequestedArray[node];
        }
        else
        {
            allocatable = column.Allocatable(node);
            requested = column.Requested(node);
        }
        if (allocatable == 0)
        {
            fraction = 0;
            return false;
        }
        fraction = (double)(requested + _podRequest[d]) / allocatable;
        if (fraction > 1)
        {
            fraction = 1;
        }
        return true;
    }
}
