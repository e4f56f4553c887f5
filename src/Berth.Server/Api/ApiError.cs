namespace Berth.Server.Api;

/// <summary>The body of every error answer: <c>{"error": "..."}</c>.</summary>
/// <param name="Error">What failed and how to fix it; for manifests, <c>path: problem</c>.</param>
public sealed record ApiError(string Error);
