using System.Text.Json;
using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.State;
using Berth.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>
/// The region hierarchy's REST endpoints: <c>POST /v1/fleet/regions</c>, where a child region control plane reports its
/// pools and node classes (<see cref="RegionReport"/>), and <c>GET /v1/fleet/regions</c>, the children as this parent
/// sees them (<see cref="RegionView"/>). REST only: the child speaks to the parent's REST address it was given.
/// </summary>
public static class RegionApi
{
    /// <summary>Maps the endpoints; needs <see cref="FleetRegions"/> registered.</summary>
    public static IEndpointRouteBuilder MapRegionApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/v1/fleet/regions", ReportAsync)
            .WithName("ReportRegion").WithTags("Fleet")
            .RequireReportAccess(AccessVerbs.Create, AccessKinds.Regions)
            .WithSummary("A child region control plane reports its region, address, pools and node classes; the first report registers it, each later one renews its last-seen time.")
            .Accepts<RegionReport>("application/json")
            .Produces<RegionReportAnswer>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        app.MapGet("/v1/fleet/regions", async (FleetRegions regions, CancellationToken ct) => ApiJson.Json<RegionView[]>([.. await regions.ViewsAsync(ct)]))
            .WithName("ListRegions").WithTags("Fleet")
            .RequireAccess(AccessVerbs.List, AccessKinds.Regions)
            .WithSummary("Every child region control plane of this server: address, Connected or Disconnected, pools, node classes, last seen.")
            .Produces<RegionView[]>(StatusCodes.Status200OK);
        app.MapPost("/v1/fleet/delegations", (HttpRequest request, FleetHierarchy hierarchy, CancellationToken ct) => AcceptAsync(request, hierarchy, delegated: true, ct))
            .WithName("AcceptDelegation").WithTags("Fleet")
            .RequireAccess(AccessVerbs.Create, AccessKinds.Regions)
            .WithSummary("A parent hands this region a share of a fleet workload, pinned to one of its pools (body: the workload as stored; ?from= the parent's region).")
            .Accepts<string>("application/json")
            .Produces<ApplyResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        app.MapPost("/v1/fleet/escalations", (HttpRequest request, FleetHierarchy hierarchy, CancellationToken ct) => AcceptAsync(request, hierarchy, delegated: false, ct))
            .WithName("AcceptEscalation").WithTags("Fleet")
            .RequireAccess(AccessVerbs.Create, AccessKinds.Regions)
            .WithSummary("A child region hands this parent a fleet workload it has no pool for (body: the workload as stored; ?from= the child's region).")
            .Accepts<string>("application/json")
            .Produces<ApplyResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> AcceptAsync(HttpRequest request, FleetHierarchy hierarchy, bool delegated, CancellationToken ct)
    {
        WorkloadSpec workload;
        try
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct);
            workload = StateSerializer.Deserialize<WorkloadSpec>(body.ToArray());
        }
        catch (JsonException e)
        {
            return ApiJson.Error(StatusCodes.Status400BadRequest, RegionMessages.BadHandedBody(e.Message));
        }
        try
        {
            return ApiJson.Json(await hierarchy.AcceptAsync(workload, request.Query["from"].ToString(), delegated, ct));
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
    }

    private static async Task<IResult> ReportAsync(HttpRequest request, FleetRegions regions, CancellationToken ct)
    {
        RegionReport? report;
        try
        {
            report = await JsonSerializer.DeserializeAsync(request.Body, ApiJson.Info<RegionReport>(), ct);
        }
        catch (JsonException e)
        {
            return ApiJson.Error(StatusCodes.Status400BadRequest, RegionMessages.BadReportBody(e.Message));
        }
        if (report is null)
        {
            return ApiJson.Error(StatusCodes.Status400BadRequest, RegionMessages.BadReportBody("the body is null"));
        }
        try
        {
            return ApiJson.Json(await regions.ReportAsync(report, ct));
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
    }
}
