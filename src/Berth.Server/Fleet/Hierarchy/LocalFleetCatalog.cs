using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>
/// The pools and node classes applied on this control plane, read from the store (<c>/objects/pools/</c> and
/// <c>/objects/nodeclasses/</c>): what a region reports to its parent and what it may place in on its own.
/// </summary>
/// <param name="store">The store.</param>
public sealed class LocalFleetCatalog(IKeyValueStore store)
{
    /// <summary>Every applied pool, by name.</summary>
    public async Task<IReadOnlyList<PoolSpec>> PoolsAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync<PoolSpec>(KeyLayout.ObjectsOf(ObjectKinds.Pools), cancellationToken).ConfigureAwait(false);

    /// <summary>Every applied node class, by name.</summary>
    public async Task<IReadOnlyList<NodeClassSpec>> NodeClassesAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync<NodeClassSpec>(KeyLayout.ObjectsOf(ObjectKinds.NodeClasses), cancellationToken).ConfigureAwait(false);

    /// <summary>The regions this control plane can place in by itself: <paramref name="ownRegion"/> (if any) and its pools' regions.</summary>
    public async Task<IReadOnlySet<string>> RegionsAsync(string? ownRegion, CancellationToken cancellationToken = default)
    {
        var regions = new SortedSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(ownRegion))
        {
            regions.Add(ownRegion);
        }
        foreach (var pool in await PoolsAsync(cancellationToken).ConfigureAwait(false))
        {
            regions.Add(pool.Region);
        }
        return regions;
    }

    private async Task<List<T>> ReadAsync<T>(string prefix, CancellationToken cancellationToken)
        where T : class
    {
        var range = await store.RangeAsync(KeyRange.Prefix(prefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        var specs = new List<T>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            specs.Add(StateSerializer.Read<T>(kv));
        }
        return specs;
    }
}
