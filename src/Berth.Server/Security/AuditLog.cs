using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Security;

/// <summary>
/// The append-only audit log: one record per mutating call under <c>/audit/{ticks}-{random}</c>, written only if the key
/// does not exist yet (a version-0 compare), so no entry is ever rewritten; keys sort by time.
/// </summary>
public sealed class AuditLog
{
    /// <summary>Where entries are stored.</summary>
    public const string KeyPrefix = "/audit/";

    /// <summary>Entries <c>GET /v1/audit</c> answers when it is not told: the last 100.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Most entries one query answers.</summary>
    public const int MaxLimit = 10_000;

    private readonly IKeyValueStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the log over <paramref name="store"/>.</summary>
    public AuditLog(IKeyValueStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _time = time;
    }

    /// <summary>The clock entries are stamped with.</summary>
    public TimeProvider Time => _time;

    /// <summary>Appends <paramref name="entry"/> under a fresh key; a key taken by another server's entry at the same tick is retried with another suffix.</summary>
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(entry, StateSerializer.Options.GetTypeInfo(typeof(AuditEntry)));
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var key = KeyAt(entry.Time) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            var result = await _store.TxnAsync([Compare.Version(key, CompareOp.Equal, 0)], [TxnOp.Put(key, bytes)], [], cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Deletes the entries stamped before <paramref name="cutoff"/>, oldest first, in one range delete (keys sort by time);
    /// returns how many went. Entries are never changed, only dropped once past the retention.
    /// </summary>
    public async Task<long> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var result = await _store.TxnAsync([], [TxnOp.Delete(KeyRange.Between(KeyPrefix, KeyAt(cutoff)))], [], cancellationToken).ConfigureAwait(false);
        return result.Responses[0].Deleted;
    }

    /// <summary>The last <paramref name="limit"/> entries since <paramref name="since"/> (null: all), of <paramref name="user"/> (null: everyone), oldest first.</summary>
    public async Task<AuditEntry[]> QueryAsync(string? user, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        var start = since is { } s ? KeyAt(s) : KeyPrefix;
        var end = KeyPrefix[..^1] + (char)(KeyPrefix[^1] + 1);
        var range = await _store.RangeAsync(KeyRange.Between(start, end), cancellationToken: cancellationToken).ConfigureAwait(false);
        var entries = new List<AuditEntry>();
        foreach (var kv in range.Kvs)
        {
            var entry = (AuditEntry?)JsonSerializer.Deserialize(kv.Value.Span, StateSerializer.Options.GetTypeInfo(typeof(AuditEntry)));
            if (entry is not null && (user is null || entry.User == user))
            {
                entries.Add(entry);
            }
        }
        return [.. entries.Skip(Math.Max(0, entries.Count - limit))];
    }

    // Ticks padded to 19 digits, so keys sort by time; entries at one time share this start.
    private static string KeyAt(DateTimeOffset time) => KeyPrefix + Math.Max(0, time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
}
