using System.Text;

namespace Berth.Store;

/// <summary>Single-operation helpers built on <see cref="IKeyValueStore.TxnAsync"/>.</summary>
public static class KeyValueStoreExtensions
{
    /// <summary>Writes <paramref name="value"/> to <paramref name="key"/> unconditionally and returns the new revision.</summary>
    public static async Task<long> PutAsync(this IKeyValueStore store, string key, ReadOnlyMemory<byte> value, long leaseId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var result = await store.TxnAsync([], [TxnOp.Put(key, value, leaseId)], [], cancellationToken).ConfigureAwait(false);
        return result.Revision;
    }

    /// <summary>Writes the UTF-8 bytes of <paramref name="value"/> to <paramref name="key"/> and returns the new revision.</summary>
    public static Task<long> PutAsync(this IKeyValueStore store, string key, string value, long leaseId = 0, CancellationToken cancellationToken = default) =>
        store.PutAsync(key, Encoding.UTF8.GetBytes(value), leaseId, cancellationToken);

    /// <summary>Deletes <paramref name="key"/>; returns how many keys were deleted (0 or 1).</summary>
    public static Task<long> DeleteAsync(this IKeyValueStore store, string key, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(KeyRange.Key(key), cancellationToken);

    /// <summary>Deletes every key in <paramref name="range"/> at one revision; returns how many keys were deleted.</summary>
    public static async Task<long> DeleteAsync(this IKeyValueStore store, KeyRange range, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var result = await store.TxnAsync([], [TxnOp.Delete(range)], [], cancellationToken).ConfigureAwait(false);
        return result.Responses[0].Deleted;
    }

    /// <summary>
    /// Writes <paramref name="value"/> only if the key's mod revision is still <paramref name="expectedModRevision"/>
    /// (0: only if the key does not exist). On failure the current entry is returned in <see cref="TxnResult.Responses"/>[0].
    /// </summary>
    public static Task<TxnResult> CompareAndSwapAsync(this IKeyValueStore store, string key, long expectedModRevision, ReadOnlyMemory<byte> value, long leaseId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.TxnAsync(
            [Compare.ModRevision(key, CompareOp.Equal, expectedModRevision)],
            [TxnOp.Put(key, value, leaseId)],
            [TxnOp.Get(key)],
            cancellationToken);
    }

    /// <summary>Watches every key starting with <paramref name="prefix"/>; see <see cref="IKeyValueStore.WatchAsync"/>.</summary>
    public static IAsyncEnumerable<WatchEvent> WatchPrefixAsync(this IKeyValueStore store, string prefix, long fromRevision = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.WatchAsync(KeyRange.Prefix(prefix), fromRevision, cancellationToken);
    }
}
