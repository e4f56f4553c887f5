namespace Berth.Server.Security;

/// <summary>A token as <c>GET /v1/tokens</c> lists it: everything but the secret's hash.</summary>
/// <param name="Id">The id.</param>
/// <param name="User">The user.</param>
/// <param name="Groups">The groups.</param>
/// <param name="Role">The role given with the token, or null.</param>
/// <param name="Created">When it was created.</param>
/// <param name="Expires">When it expires.</param>
/// <param name="Revoked">When it was revoked, or null.</param>
/// <param name="State">active, expired or revoked.</param>
public sealed record TokenView(string Id, string User, IReadOnlyList<string> Groups, string? Role, DateTimeOffset Created, DateTimeOffset Expires, DateTimeOffset? Revoked, string State);
