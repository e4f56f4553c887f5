using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Security;

/// <summary>
/// Bearer tokens: created with a random secret shown once, stored hashed under <c>/security/tokens/{id}</c>, expiring,
/// revocable. The token text is <c>berth_{id}_{secret}</c>: the id finds the record, the secret proves possession.
/// </summary>
/// <remarks>The secret is 32 random bytes, stored as <see cref="SecretHash"/> says (and why a fast hash serves).</remarks>
public sealed class ApiTokens
{
    /// <summary>The token text's prefix, so a leaked token is recognisable (secret scanners, logs).</summary>
    public const string Prefix = "berth_";

    /// <summary>How long a token lives when its creator does not say: 30 days.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(720);

    /// <summary>The longest lifetime a token may have: one year.</summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(366);

    /// <summary>Random bytes in a secret.</summary>
    public const int SecretBytes = 32;

    /// <summary>Random bytes in an id.</summary>
    public const int IdBytes = 8;

    /// <summary>Where tokens are stored.</summary>
    public const string KeyPrefix = "/security/tokens/";

    private readonly IKeyValueStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the token registry over <paramref name="store"/>.</summary>
    public ApiTokens(IKeyValueStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _time = time;
    }

    /// <summary>Creates a token; the answer holds the only copy of its secret.</summary>
    /// <exception cref="ArgumentException">A field is invalid; the message names it.</exception>
    public async Task<CreatedToken> CreateAsync(TokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.User) || request.User.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException(SecurityMessages.BadTokenUser(request.User ?? ""));
        }
        var groups = request.Groups ?? [];
        foreach (var group in groups)
        {
            if (string.IsNullOrWhiteSpace(group))
            {
                throw new ArgumentException(SecurityMessages.EmptyTokenGroup);
            }
        }
        var ttl = request.TtlSeconds is null or 0 ? DefaultTtl : TimeSpan.FromSeconds(request.TtlSeconds.Value);
        if (ttl <= TimeSpan.Zero || ttl > MaxTtl)
        {
            throw new ArgumentException(SecurityMessages.BadTokenTtl(request.TtlSeconds ?? 0, MaxTtl));
        }
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretBytes));
        var now = _time.GetUtcNow();
        var record = new TokenRecord(id, request.User, [.. groups], string.IsNullOrWhiteSpace(request.Role) ? null : request.Role, now, now + ttl, null, SecretHash.Of(secret));
        var key = KeyPrefix + id;
        var result = await _store.TxnAsync([Compare.Missing(key)], [TxnOp.Put(key, Serialize(record))], [], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // 64 random bits colliding is not expected; refuse rather than overwrite another token.
            throw new InvalidOperationException(SecurityMessages.TokenIdTaken(id));
        }
        return new CreatedToken(Prefix + id + "_" + secret, View(record, now));
    }

    /// <summary>Every token, in id order, without secrets.</summary>
    public async Task<TokenView[]> ListAsync(CancellationToken cancellationToken = default)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        return [.. range.Kvs.Select(kv => View(Deserialize(kv.Value.Span), now))];
    }

    /// <summary>Revokes the token <paramref name="id"/>; null when there is none. Revoking twice keeps the first time.</summary>
    public async Task<TokenView?> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!IsId(id))
        {
            return null;
        }
        var key = KeyPrefix + id;
        while (true)
        {
            var kv = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (kv is null)
            {
                return null;
            }
            var record = Deserialize(kv.Value.Span);
            var now = _time.GetUtcNow();
            if (record.Revoked is not null)
            {
                return View(record, now);
            }
            var revoked = record with { Revoked = now };
            var result = await _store.TxnAsync(
                [Compare.ModRevision(key, CompareOp.Equal, kv.ModRevision)], [TxnOp.Put(key, Serialize(revoked))], [], cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return View(revoked, now);
            }
        }
    }

    /// <summary>Checks a presented token text: its record, secret (compared in constant time), expiry and revocation.</summary>
    public async Task<TokenCheck> CheckAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!TrySplit(token, out var id, out var secret))
        {
            return new TokenCheck(null, SecurityMessages.MalformedToken);
        }
        var kv = await _store.GetAsync(KeyPrefix + id, cancellationToken).ConfigureAwait(false);
        if (kv is null)
        {
            return new TokenCheck(null, SecurityMessages.UnknownToken(id));
        }
        var record = Deserialize(kv.Value.Span);
        if (!SecretHash.Matches(secret, record.SecretSha256))
        {
            return new TokenCheck(null, SecurityMessages.WrongTokenSecret(id));
        }
        if (record.Revoked is { } revoked)
        {
            return new TokenCheck(null, SecurityMessages.RevokedToken(id, revoked));
        }
        if (_time.GetUtcNow() >= record.Expires)
        {
            return new TokenCheck(null, SecurityMessages.ExpiredToken(id, record.Expires));
        }
        return new TokenCheck(new CallerIdentity(record.User, record.Groups, IdentitySources.Token) { TokenRole = record.Role }, null);
    }

    /// <summary>Splits <c>berth_{id}_{secret}</c>; false when the text is not of that form.</summary>
    public static bool TrySplit(string token, out string id, out string secret)
    {
        id = "";
        secret = "";
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = token.AsSpan(Prefix.Length);
        int separator = rest.IndexOf('_');
        if (separator <= 0)
        {
            return false;
        }
        id = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return IsId(id) && secret.Length == SecretBytes * 2 && secret.All(char.IsAsciiHexDigitLower);
    }

    private static bool IsId(string id) => id.Length == IdBytes * 2 && id.All(char.IsAsciiHexDigitLower);

    private static TokenView View(TokenRecord r, DateTimeOffset now) =>
        new(r.Id, r.User, r.Groups, r.Role, r.Created, r.Expires, r.Revoked, r.Revoked is not null ? "revoked" : now >= r.Expires ? "expired" : "active");

    private static byte[] Serialize(TokenRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, StateSerializer.Options.GetTypeInfo(typeof(TokenRecord)));

    private static TokenRecord Deserialize(ReadOnlySpan<byte> bytes) =>
        (TokenRecord)(JsonSerializer.Deserialize(bytes, StateSerializer.Options.GetTypeInfo(typeof(TokenRecord)))
            ?? throw new JsonException(StateMessages.NullRecord(nameof(TokenRecord))));

    internal static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
