using System.Security.Cryptography;
using System.Text.Json;
using Berth.Store;

namespace Berth.Server.Security;

/// <summary>
/// One-time bootstrap tokens for node joins: <see cref="CreateAsync"/> stores a token's hash with its expiry, and
/// <see cref="ConsumeAsync"/> accepts it once, marking it used in the same compare-and-swap, so two agents racing with
/// one token cannot both join.
/// </summary>
public sealed class BootstrapTokens(IKeyValueStore store, TimeProvider time)
{
    /// <summary>The key prefix of stored tokens.</summary>
    public const string Prefix = "/security/bootstraptokens/";

    /// <summary>The default lifetime of a token: one hour, enough to start an agent, short enough that a leaked one soon expires.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(1);

    /// <summary>The longest lifetime of a token: 7 days.</summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(7);

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const int IdLength = 6;
    private const int SecretLength = 16;

    /// <summary>Creates and stores a token valid for <paramref name="ttl"/>; returns the token (the only time it is seen) and its record.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttl"/> is not positive or over <see cref="MaxTtl"/>.</exception>
    public async Task<(string Token, BootstrapTokenRecord Record)> CreateAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        if (ttl <= TimeSpan.Zero || ttl > MaxTtl)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, TlsMessages.BadTokenTtl(ttl.ToString(), MaxTtl));
        }
        while (true)
        {
            var id = RandomNumberGenerator.GetString(Alphabet, IdLength);
            var token = $"{id}.{RandomNumberGenerator.GetString(Alphabet, SecretLength)}";
            var now = time.GetUtcNow();
            var record = new BootstrapTokenRecord(id, SecretHash.Of(token), now, now + ttl);
            var key = Prefix + id;
            var result = await store.TxnAsync([Compare.Missing(key)], [TxnOp.Put(key, Serialize(record))], [], cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return (token, record);
            }
            // A 36^6 id space makes a clash rare; a new id is drawn rather than overwriting a live token.
        }
    }

    /// <summary>Accepts <paramref name="token"/> for <paramref name="node"/> once: checks it exists, matches, is unexpired and unused, and marks it used.</summary>
    /// <exception cref="BootstrapTokenException">The token is malformed, unknown, expired or used; the message says which.</exception>
    public async Task<BootstrapTokenRecord> ConsumeAsync(string token, string node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        var trimmed = token?.Trim() ?? "";
        int dot = trimmed.IndexOf('.', StringComparison.Ordinal);
        if (dot != IdLength || trimmed.Length != IdLength + 1 + SecretLength)
        {
            throw new BootstrapTokenException(TlsMessages.TokenMalformed);
        }
        var key = Prefix + trimmed[..dot];
        var kv = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (kv is null)
        {
            throw new BootstrapTokenException(TlsMessages.TokenUnknown(trimmed[..dot]));
        }
        var record = Deserialize(kv.Value.Span);
        if (!SecretHash.Matches(trimmed, record.Hash))
        {
            // The id is public (it names the key); a wrong secret is treated as an unknown token, saying no more.
            throw new BootstrapTokenException(TlsMessages.TokenUnknown(record.Id));
        }
        if (record.UsedAt is { } usedAt)
        {
            throw new BootstrapTokenException(TlsMessages.TokenUsed(record.Id, record.UsedBy ?? "", usedAt));
        }
        var now = time.GetUtcNow();
        if (now >= record.ExpiresAt)
        {
            throw new BootstrapTokenException(TlsMessages.TokenExpired(record.Id, record.ExpiresAt));
        }
        var used = record with { UsedAt = now, UsedBy = node };
        var swap = await store.CompareAndSwapAsync(key, kv.ModRevision, Serialize(used), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!swap.Succeeded)
        {
            // Another join used (or an operator changed) it between the read and the swap: read again for the reason.
            return await ConsumeAsync(trimmed, node, cancellationToken).ConfigureAwait(false);
        }
        return used;
    }

    private static byte[] Serialize(BootstrapTokenRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, SecurityJsonContext.Default.BootstrapTokenRecord);

    private static BootstrapTokenRecord Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, SecurityJsonContext.Default.BootstrapTokenRecord) ?? throw new JsonException("null bootstrap token record");
}
