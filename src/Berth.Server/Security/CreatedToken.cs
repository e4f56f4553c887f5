namespace Berth.Server.Security;

/// <summary>The answer of <c>POST /v1/tokens</c>: the token text, shown this once, and what it is.</summary>
/// <param name="Token">The bearer token, <c>berth_{id}_{secret}</c>; the server keeps only a hash of the secret.</param>
/// <param name="Details">What the token authenticates as, and until when.</param>
public sealed record CreatedToken(string Token, TokenView Details);
