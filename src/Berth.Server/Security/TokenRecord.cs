namespace Berth.Server.Security;

/// <summary>
/// A bearer token as stored under <c>/security/tokens/{id}</c>: whom it authenticates and until when, and the SHA-256 of
/// its secret (never the secret itself).
/// </summary>
/// <param name="Id">The token's id, the part between <c>berth_</c> and the secret.</param>
/// <param name="User">The user name it authenticates as.</param>
/// <param name="Groups">The groups it authenticates with.</param>
/// <param name="Role">A role given to the token's user everywhere, or null (roles then come from bindings only).</param>
/// <param name="Created">When it was created.</param>
/// <param name="Expires">When it stops being accepted.</param>
/// <param name="Revoked">When it was revoked; null while it is not.</param>
/// <param name="SecretSha256">Lower-case hex SHA-256 of the secret's UTF-8 text.</param>
public sealed record TokenRecord(
    string Id,
    string User,
    IReadOnlyList<string> Groups,
    string? Role,
    DateTimeOffset Created,
    DateTimeOffset Expires,
    DateTimeOffset? Revoked,
    string SecretSha256);
