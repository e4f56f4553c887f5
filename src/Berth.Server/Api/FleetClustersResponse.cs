namespace Berth.Server.Api;

/// <summary>The answer to <c>GET /v1/fleet/clusters</c>: every fleet cluster, by name.</summary>
/// <param name="Clusters">The clusters.</param>
public sealed record FleetClustersResponse(FleetClusterView[] Clusters);
