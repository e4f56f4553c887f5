namespace Berth.Server.Api;

/// <summary>How much of one resource of a node its replicas hold: what <c>GET /v1/nodes?limit=N</c> draws as a bar.</summary>
/// <param name="Name">The resource (<c>cpu</c> in cores, <c>memory</c> in bytes, <c>nvidia.com/gpu</c> in devices).</param>
/// <param name="Allocatable">What the node offers for replicas.</param>
/// <param name="Allocated">What the Pending and Running replicas placed on it request.</param>
public sealed record NodeResourceUse(string Name, decimal Allocatable, decimal Allocated);
