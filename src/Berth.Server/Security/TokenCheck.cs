namespace Berth.Server.Security;

/// <summary>The result of checking a presented bearer token: the caller, or why it is refused (a 401 message).</summary>
/// <param name="Caller">The caller, when the token is good.</param>
/// <param name="Refusal">Why it is refused (malformed, unknown, wrong secret, expired, revoked), when it is not.</param>
public sealed record TokenCheck(CallerIdentity? Caller, string? Refusal);
