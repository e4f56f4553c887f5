namespace Berth.Server.Security;

/// <summary>The body of <c>POST /v1/bootstraptokens</c> (an empty body takes the defaults).</summary>
/// <param name="TtlSeconds">How long the token is accepted, in seconds, above zero and at most 7 days; null: one hour.</param>
public sealed record BootstrapTokenRequest(double? TtlSeconds = null);
