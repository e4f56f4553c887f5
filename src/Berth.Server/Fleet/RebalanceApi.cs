using Berth.Server.Api;
using Berth.Core.Specs;
using Berth.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Berth.Server.Api.ApiJson;

namespace Berth.Server.Fleet;

/// <summary>
/// <c>POST /v1/fleet/rebalance[?workload=ns/name]</c>: runs one rebalance pass now (<c>berth rebalance</c>); with a
/// workload, acts only on triggers concerning it. 400 when the workload is not <c>namespace/name</c>, 404 when it is
/// not a fleet workload.
/// </summary>
internal static class RebalanceApi
{
    /// <summary>Maps the endpoint onto the <c>/v1</c> group; needs <see cref="FleetRebalancer"/> registered.</summary>
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapPost("/fleet/rebalance", RebalanceAsync)
            .WithName("Rebalance").WithTags("Fleet")
            .RequireAccess(AccessVerbs.Rebalance, AccessKinds.Clusters)
            .WithSummary("Runs a fleet rebalance pass now: consolidates underused clusters and reports budget, capacity and compliance triggers; ?workload=ns/name for one workload.")
            .Produces<RebalanceResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> RebalanceAsync(string? workload, FleetRebalancer rebalancer, CancellationToken ct)
    {
        try
        {
            return Json(await rebalancer.AnswerAsync(workload, ct).ConfigureAwait(false));
        }
        catch (ApiRequestException e)
        {
            return Error(ApiFaultCodes.HttpStatus(e.Fault), e.Message);
        }
    }
}
