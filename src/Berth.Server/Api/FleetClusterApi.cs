using Berth.Server.Fleet;
using Berth.Server.State;
using Berth.Store;
using Berth.Core.Specs;
using Berth.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Berth.Server.Api.ApiJson;

namespace Berth.Server.Api;

/// <summary>
/// The fleet cluster listing, mapped under <c>/v1</c> by <see cref="BerthApi.MapBerthApi"/>:
/// <c>GET /v1/fleet/clusters</c> lists the clusters fleet placement created (<see cref="FleetClusters"/>).
/// </summary>
internal static class FleetClusterApi
{
    /// <summary>Maps the fleet endpoints onto the <c>/v1</c> group; needs <see cref="FleetClusters"/> registered.</summary>
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/fleet/clusters", async (FleetClusters clusters, IKeyValueStore store, CancellationToken ct) => Json(await ListClustersAsync(clusters, store, ct)))
            .WithName("ListFleetClusters").WithTags("Fleet")
            .RequireAccess(AccessVerbs.List, AccessKinds.Clusters)
            .WithSummary("Every cluster fleet placement created: pool, region, provider, node class, phase, nodes and how many are Ready.")
            .Produces<FleetClustersResponse>(StatusCodes.Status200OK);
    }

    /// <summary>The clusters with their Ready node counts, read from the store.</summary>
    public static async Task<FleetClustersResponse> ListClustersAsync(FleetClusters clusters, IKeyValueStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(store);
        var list = await clusters.ListAsync(cancellationToken).ConfigureAwait(false);
        var nodes = await store.RangeAsync(KeyRange.Prefix(KeyLayout.NodesPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        var ready = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kv in nodes.Kvs)
        {
            var node = StateSerializer.Read<NodeRecord>(kv);
            if (node.Status.Ready)
            {
                ready.Add(node.Spec.Name);
            }
        }
        return new FleetClustersResponse([.. list.Select(c => new FleetClusterView(
            c.Name, c.Pool, c.Region, c.Provider, c.NodeClass, c.Phase, c.Nodes, c.Nodes.Count(ready.Contains), c.CreatedAt))]);
    }
}
