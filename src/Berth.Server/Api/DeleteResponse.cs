namespace Berth.Server.Api;

/// <summary>The answer to <c>DELETE /v1/workloads/{ns}/{name}</c>.</summary>
/// <param name="Key">The deleted store key.</param>
/// <param name="Revision">The revision of the delete.</param>
public sealed record DeleteResponse(string Key, long Revision);
