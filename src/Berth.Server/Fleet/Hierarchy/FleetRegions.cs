using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>
/// A parent's view of its child region control planes: the one writer of <c>/fleet/regions/{region}</c>. Records a
/// child's reports (<see cref="ReportAsync"/>), marks children that stopped reporting as disconnected
/// (<see cref="MarkSilentAsync"/>) and lists what every connected child owns, so placement on the root sees all pools.
/// </summary>
public sealed class FleetRegions
{
    /// <summary>The <see cref="RegionView.Status"/> of a child that reports.</summary>
    public const string ConnectedStatus = "Connected";

    /// <summary>The <see cref="RegionView.Status"/> of a child that stopped reporting.</summary>
    public const string DisconnectedStatus = "Disconnected";

    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly LocalFleetCatalog _catalog;
    private readonly RegionLinkOptions _options;
    private readonly string? _ownRegion;

    /// <summary>Creates the registry of the control plane whose own region is <paramref name="ownRegion"/> (null for an unnamed root).</summary>
    public FleetRegions(IKeyValueStore store, EventLog events, LocalFleetCatalog catalog, RegionLinkOptions options, string? ownRegion)
    {
        _store = store;
        _events = events;
        _catalog = catalog;
        _options = options;
        _ownRegion = ownRegion;
    }

    /// <summary>
    /// Records a child's report with the time it came. The first report of a region and the first after it was marked
    /// disconnected each append an event. Answers the parent's region and every region it knows.
    /// </summary>
    /// <exception cref="ApiRequestException">The report's region or address is malformed, or names this parent's own region (<see cref="ApiFault.Invalid"/>); nothing was written.</exception>
    public async Task<RegionReportAnswer> ReportAsync(RegionReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var region = report.Region ?? "";
        if (ManifestNames.ValidateDnsLabel(region) is { } problem)
        {
            throw new ApiRequestException(ApiFault.Invalid, RegionMessages.BadReportRegion(region, problem));
        }
        if (string.Equals(region, _ownRegion, StringComparison.Ordinal))
        {
            throw new ApiRequestException(ApiFault.Invalid, RegionMessages.ReportOfOwnRegion(region));
        }
        if (!Uri.TryCreate(report.Address, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttp)
        {
            throw new ApiRequestException(ApiFault.Invalid, RegionMessages.BadReportAddress(region, report.Address ?? ""));
        }
        var key = KeyLayout.FleetRegion(region);
        // Reports of one child are sequential; the compare only guards against a second writer (another parent replica).
        for (int attempt = 0; ; attempt++)
        {
            var now = _events.Time.GetUtcNow();
            var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var previous = current is null ? null : StateSerializer.Read<RegionRecord>(current);
            var record = new RegionRecord(region, address.ToString(), report.Pools ?? [], report.NodeClasses ?? [], previous?.RegisteredAt ?? now, now, Connected: true);
            var compares = new List<Compare> { current is null ? Compare.Missing(key) : Compare.ModRevision(key, CompareOp.Equal, current.ModRevision) };
            var operations = new List<TxnOp> { TxnOp.Put(key, Serialize(record)) };
            if (previous is null)
            {
                _events.Append(compares, operations, _events.Create(ClusterEventType.RegionRegistered, region, RegionMessages.Registered(region, record.Address, record.Pools.Count)));
            }
            else if (!previous.Connected)
            {
                _events.Append(compares, operations, _events.Create(ClusterEventType.RegionReconnected, region, RegionMessages.Reconnected(region)));
            }
            var result = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                break;
            }
            if (attempt == 4)
            {
                throw new ApiRequestException(ApiFault.Conflict, RegionMessages.ReportContended(region, attempt + 1));
            }
        }
        return new RegionReportAnswer(_ownRegion ?? "", [.. await KnownRegionsAsync(cancellationToken).ConfigureAwait(false)]);
    }

    /// <summary>Every child as stored, by region.</summary>
    public async Task<IReadOnlyList<RegionRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.FleetRegionsPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        var records = new List<RegionRecord>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            records.Add(StateSerializer.Read<RegionRecord>(kv));
        }
        return records;
    }

    /// <summary>Every child for <c>GET /v1/fleet/regions</c>; a child silent for longer than allowed shows Disconnected even before <see cref="MarkSilentAsync"/> ran.</summary>
    public async Task<IReadOnlyList<RegionView>> ViewsAsync(CancellationToken cancellationToken = default)
    {
        var now = _events.Time.GetUtcNow();
        var views = new List<RegionView>();
        foreach (var record in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            views.Add(new RegionView(
                record.Region,
                record.Address,
                IsConnected(record, now) ? ConnectedStatus : DisconnectedStatus,
                [.. record.Pools.Select(p => p.Name)],
                [.. record.NodeClasses.Select(c => c.Name)],
                record.RegisteredAt,
                record.LastSeen));
        }
        return views;
    }

    /// <summary>The child that owns the pool named <paramref name="pool"/> and is connected; null when no connected child has it.</summary>
    public async Task<RegionRecord?> OwnerOfPoolAsync(string pool, CancellationToken cancellationToken = default)
    {
        var now = _events.Time.GetUtcNow();
        foreach (var record in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (IsConnected(record, now) && record.Pools.Any(p => string.Equals(p.Name, pool, StringComparison.Ordinal)))
            {
                return record;
            }
        }
        return null;
    }

    /// <summary>The pools of every connected child, each with the child that owns it.</summary>
    public async Task<IReadOnlyList<(RegionRecord Owner, PoolSpec Pool)>> RemotePoolsAsync(CancellationToken cancellationToken = default)
    {
        var now = _events.Time.GetUtcNow();
        var pools = new List<(RegionRecord, PoolSpec)>();
        foreach (var record in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (IsConnected(record, now))
            {
                foreach (var pool in record.Pools)
                {
                    pools.Add((record, pool));
                }
            }
        }
        return pools;
    }

    /// <summary>Every region this control plane knows: its own, its own pools' and each connected child's with its pools'.</summary>
    public async Task<IReadOnlySet<string>> KnownRegionsAsync(CancellationToken cancellationToken = default)
    {
        var regions = new SortedSet<string>(await _catalog.RegionsAsync(_ownRegion, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        foreach (var (owner, pool) in await RemotePoolsAsync(cancellationToken).ConfigureAwait(false))
        {
            regions.Add(owner.Region);
            regions.Add(pool.Region);
        }
        var now = _events.Time.GetUtcNow();
        foreach (var record in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (IsConnected(record, now))
            {
                regions.Add(record.Region);
            }
        }
        return regions;
    }

    /// <summary>
    /// Marks every child silent for longer than <see cref="RegionLinkOptions.DisconnectedAfter"/> as disconnected, with an
    /// event each; returns how many it marked. A child that reports meanwhile wins (the write is a compare-and-swap).
    /// </summary>
    public async Task<int> MarkSilentAsync(CancellationToken cancellationToken = default)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.FleetRegionsPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        int marked = 0;
        foreach (var kv in range.Kvs)
        {
            var record = StateSerializer.Read<RegionRecord>(kv);
            var now = _events.Time.GetUtcNow();
            if (!record.Connected || IsConnected(record, now))
            {
                continue;
            }
            var compares = new List<Compare> { Compare.ModRevision(kv.Key, CompareOp.Equal, kv.ModRevision) };
            var operations = new List<TxnOp> { TxnOp.Put(kv.Key, Serialize(record with { Connected = false })) };
            _events.Append(compares, operations, _events.Create(ClusterEventType.RegionDisconnected, record.Region, RegionMessages.Disconnected(record.Region, now - record.LastSeen)));
            var result = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                marked++;
            }
        }
        return marked;
    }

    private static byte[] Serialize(RegionRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, (JsonTypeInfo<RegionRecord>)StateSerializer.Options.GetTypeInfo(typeof(RegionRecord)));

    /// <summary>True while <paramref name="record"/>'s last report is at most <see cref="RegionLinkOptions.DisconnectedAfter"/> old at <paramref name="now"/>.</summary>
    public bool IsConnected(RegionRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        return now - record.LastSeen <= _options.DisconnectedAfter;
    }
}
