namespace Berth.Server.Security;

/// <summary>The answer of <c>POST /v1/bootstraptokens</c>: the token, shown this once, and when it expires.</summary>
/// <param name="Token">The token, <c>{id}.{secret}</c>; give it to one <c>berth agent --bootstrap-token</c>.</param>
/// <param name="ExpiresAt">When it stops being accepted.</param>
public sealed record BootstrapTokenCreated(string Token, DateTimeOffset ExpiresAt);
