namespace Berth.Server.Security;

/// <summary>The body of <c>POST /v1/tokens</c>.</summary>
/// <param name="User">The user name the token authenticates as.</param>
/// <param name="Groups">Its groups; null for none.</param>
/// <param name="Role">A role given to the user everywhere, or null.</param>
/// <param name="TtlSeconds">How long the token lives, in seconds; null or 0 for <see cref="ApiTokens.DefaultTtl"/>.</param>
public sealed record TokenRequest(string User, IReadOnlyList<string>? Groups, string? Role, long? TtlSeconds);
