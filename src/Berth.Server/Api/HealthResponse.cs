namespace Berth.Server.Api;

/// <summary>The answer to <c>/healthz</c> and <c>/readyz</c>.</summary>
/// <param name="Status"><c>ok</c>, or what is not ready.</param>
public sealed record HealthResponse(string Status);
