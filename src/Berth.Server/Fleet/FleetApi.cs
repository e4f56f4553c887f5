using Berth.Server.Api;
using Berth.Server.State;
using Berth.Core.Specs;
using Berth.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Berth.Server.Fleet;

/// <summary>The fleet placement endpoints under <c>/v1/fleet</c> (REST only so far: read views for the CLI).</summary>
public static class FleetApi
{
    /// <summary>Maps <c>GET /v1/fleet/workloads/{ns}/{name}</c> and <c>GET /v1/fleet/pools</c> onto <paramref name="v1"/>; needs <see cref="FleetQueries"/> registered.</summary>
    public static void MapFleet(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/fleet/workloads/{ns}/{name}", GetFleetWorkloadAsync)
            .WithName("GetFleetWorkload").WithTags("Fleet")
            .RequireAccess(AccessVerbs.Get, AccessKinds.Workloads)
            .WithSummary("A fleet workload's placement: shares per pool and cluster with replicas and cost, phase, health, reason and rejected pools.")
            .Produces<FleetWorkloadView>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status404NotFound);
        v1.MapGet("/fleet/pools", async (FleetQueries queries, CancellationToken ct) =>
                Results.Json(await queries.PoolsAsync(ct), ApiJson.Info<IReadOnlyList<FleetPoolView>>()))
            .WithName("ListFleetPools").WithTags("Fleet")
            .RequireAccess(AccessVerbs.List, AccessKinds.Pools)
            .WithSummary("Every pool with its nodes, cores, memory and cost against its capacity and budget.")
            .Produces<FleetPoolView[]>(StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetFleetWorkloadAsync(string ns, string name, FleetQueries queries, CancellationToken ct)
    {
        var view = await queries.WorkloadAsync(new WorkloadKey(ns, name), ct).ConfigureAwait(false);
        return view is null
            ? Results.Json(new ApiError(FleetPlacementMessages.NotAFleetWorkload(ns + "/" + name)), ApiJson.Info<ApiError>(), statusCode: StatusCodes.Status404NotFound)
            : Results.Json(view, ApiJson.Info<FleetWorkloadView>());
    }
}
