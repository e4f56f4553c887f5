using System.Globalization;
using Berth.Core.Resources;
using Berth.Server.State;
using Berth.Store;
using Microsoft.AspNetCore.Http;
using static Berth.Server.Api.ApiJson;

namespace Berth.Server.Api;

/// <summary>
/// <c>GET /v1/nodes</c>: without parameters every node (<see cref="NodeView"/>, as always); with <c>offset</c>,
/// <c>limit</c> or <c>filter</c> one <see cref="NodePage"/> of the matching nodes with what their replicas hold, so a
/// client of 5,000 nodes (the dashboard) reads and draws one page at a time.
/// </summary>
public static class NodePages
{
    /// <summary>The query parameter of the first node of the page, from 0.</summary>
    public const string OffsetParameter = "offset";

    /// <summary>The query parameter of the page size.</summary>
    public const string LimitParameter = "limit";

    /// <summary>The query parameter that keeps the nodes whose name or a label (<c>key=value</c>) contains it, ignoring case.</summary>
    public const string FilterParameter = "filter";

    /// <summary>The page size when only <c>offset</c> or <c>filter</c> is given.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest page.</summary>
    public const int MaxLimit = 1000;

    // The resources drawn as bars, in this order; the GPU bar only on nodes that have GPUs.
    private static readonly string[] BarResources = [ResourceNames.Cpu, ResourceNames.Memory, ResourceNames.NvidiaGpu];

    /// <summary>True when the request asks for a page (any of <c>offset</c>, <c>limit</c>, <c>filter</c>).</summary>
    public static bool IsRequested(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query.ContainsKey(OffsetParameter) || request.Query.ContainsKey(LimitParameter) || request.Query.ContainsKey(FilterParameter);
    }

    /// <summary>The handler of <c>GET /v1/nodes</c>.</summary>
    public static async Task<IResult> ListAsync(HttpRequest request, ClusterQueries queries, IKeyValueStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(queries);
        if (!IsRequested(request))
        {
            return Json(await queries.NodesAsync(ct).ConfigureAwait(false));
        }
        int offset = 0;
        int limit = DefaultLimit;
        string? offsetText = request.Query[OffsetParameter];
        string? limitText = request.Query[LimitParameter];
        if (offsetText is not null && !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return Error(StatusCodes.Status400BadRequest, ApiMessages.InvalidQuery(OffsetParameter, offsetText, "a node index, 0 or more"));
        }
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return Error(StatusCodes.Status400BadRequest, ApiMessages.InvalidQuery(LimitParameter, limitText, $"a number from 1 to {MaxLimit}"));
        }
        string? filter = request.Query[FilterParameter];
        return Json(await ReadAsync(store, offset, limit, string.IsNullOrWhiteSpace(filter) ? null : filter.Trim(), ct).ConfigureAwait(false));
    }

    /// <summary>One page of the nodes matching <paramref name="filter"/> (null: all), by name, with the counts over all that match.</summary>
    public static async Task<NodePage> ReadAsync(IKeyValueStore store, int offset, int limit, string? filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // One read at one revision, so a page's bars and its counts agree with each other.
        var read = await store.TxnAsync(
            [],
            [
                TxnOp.Get(KeyRange.Prefix(KeyLayout.NodesPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.HeartbeatsPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix)),
            ],
            [],
            cancellationToken).ConfigureAwait(false);

        int total = 0, ready = 0, cordoned = 0;
        var page = new List<(string Name, NodeRecord Record)>(Math.Min(limit, 1024));
        // Keys sort by name, so the page is in name order without sorting.
        foreach (var kv in read.Responses[0].Kvs)
        {
            if (!KeyLayout.TryParseNode(kv.Key, out var name))
            {
                continue;
            }
            var record = StateSerializer.Read<NodeRecord>(kv);
            if (filter is not null && !Matches(name, record, filter))
            {
                continue;
            }
            if (total >= offset && page.Count < limit)
            {
                page.Add((name, record));
            }
            total++;
            ready += record.Status.Ready ? 1 : 0;
            cordoned += record.Spec.Unschedulable ? 1 : 0;
        }

        var onPage = new Dictionary<string, (ResourceList Held, int Replicas)>(page.Count, StringComparer.Ordinal);
        foreach (var (name, _) in page)
        {
            onPage[name] = (ResourceList.Empty, 0);
        }
        foreach (var kv in read.Responses[2].Kvs)
        {
            if (!KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            {
                continue;
            }
            var assignment = StateSerializer.Read<Assignment>(kv);
            if (assignment.HoldsResources && onPage.TryGetValue(assignment.Node, out var held))
            {
                onPage[assignment.Node] = (Add(held.Held, assignment.Requests), held.Replicas + 1);
            }
        }
        var beats = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var kv in read.Responses[1].Kvs)
        {
            if (KeyLayout.TryParseHeartbeat(kv.Key, out var name) && onPage.ContainsKey(name))
            {
                beats[name] = StateSerializer.Read<NodeHeartbeat>(kv).Time;
            }
        }

        var nodes = new List<NodeSummary>(page.Count);
        foreach (var (name, record) in page)
        {
            var (held, replicas) = onPage[name];
            var resources = new List<NodeResourceUse>(BarResources.Length);
            foreach (var resource in BarResources)
            {
                var allocatable = record.Spec.Allocatable.Get(resource).Amount;
                var allocated = held.Get(resource).Amount;
                if (resource != ResourceNames.NvidiaGpu || allocatable > 0 || allocated > 0)
                {
                    resources.Add(new NodeResourceUse(resource, allocatable, allocated));
                }
            }
            nodes.Add(new NodeSummary(
                name,
                record.Status.Ready,
                record.Spec.Unschedulable,
                record.Spec.Labels,
                beats.TryGetValue(name, out var beat) ? beat : record.Status.LastHeartbeat,
                replicas,
                resources));
        }
        return new NodePage(total, ready, cordoned, offset, limit, nodes);
    }

    private static bool Matches(string name, NodeRecord record, string filter)
    {
        if (name.Contains(filter, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        foreach (var (key, value) in record.Spec.Labels)
        {
            if ((key + "=" + value).Contains(filter, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static ResourceList Add(ResourceList total, ResourceList more)
    {
        foreach (var (name, quantity) in more)
        {
            total = total.With(name, total.Get(name) + quantity);
        }
        return total;
    }
}
