using System.Text.Json;

namespace Berth.Server.Api;

/// <summary>One stored object of another kind than Workload, as <c>GET /v1/objects/{plural}</c> lists it.</summary>
/// <param name="Kind">The manifest kind, e.g. <c>Quota</c>.</param>
/// <param name="Namespace">The namespace; empty for a cluster-wide kind.</param>
/// <param name="Name">The name.</param>
/// <param name="Revision">The mod revision of its key.</param>
/// <param name="Spec">The stored spec, as stored.</param>
public sealed record ObjectView(string Kind, string Namespace, string Name, long Revision, JsonElement Spec);
