namespace Berth.Server.Security;

/// <summary>
/// A bootstrap token as stored under <c>/security/bootstraptokens/{id}</c>: only the SHA-256 of the whole token, never
/// the token, so the store's contents let nobody join.
/// </summary>
/// <param name="Id">The token's public part (before the dot), the key's last segment.</param>
/// <param name="Hash">SHA-256 of the whole token, lower-case hex.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">After this it is refused.</param>
/// <param name="UsedAt">When a node joined with it; null while unused.</param>
/// <param name="UsedBy">The node that joined with it; null while unused.</param>
public sealed record BootstrapTokenRecord(string Id, string Hash, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt = null, string? UsedBy = null);
