using Berth.Server.Api;
using Berth.Server.State;
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
            .WithSummary("Runs a fleet rebalance pass now: consolidates underused clusters and reports budget, capacity and compliance triggers; ?workload=ns/name for one workload.")
            .Produces<RebalanceResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> RebalanceAsync(string? workload, FleetRebalancer rebalancer, IServiceProvider services, CancellationToken ct)
    {
        WorkloadKey? key = null;
        if (!string.IsNullOrEmpty(workload))
        {
            var slash = workload.IndexOf('/', StringComparison.Ordinal);
            var parsed = slash < 0 ? new WorkloadKey(Core.Specs.WorkloadSpec.DefaultNamespace, workload) : new WorkloadKey(workload[..slash], workload[(slash + 1)..]);
            if (parsed.Namespace.Length == 0 || parsed.Name.Length == 0 || parsed.Name.Contains('/', StringComparison.Ordinal))
            {
                return Error(StatusCodes.Status400BadRequest, RebalanceMessages.BadWorkloadArgument(workload));
            }
            if (!await rebalancer.IsFleetWorkloadAsync(parsed, ct).ConfigureAwait(false))
            {
                return Error(StatusCodes.Status404NotFound, RebalanceMessages.NotAFleetWorkload(parsed.ToString()));
            }
            key = parsed;
        }
        var outcome = await rebalancer.RebalanceAsync(key, ct).ConfigureAwait(false);
        return Json(new RebalanceResponse(
            [.. outcome.Triggers.Select(t => $"{t.Kind}: {t.Reason}")],
            [.. outcome.Migrations.Select(m => new RebalanceMove(m.Key, m.Value.Completed, RebalanceMessages.Render(m.Value.Shares), m.Value.Message))],
            outcome.DeletedClusters,
            outcome.Unhandled));
    }
}
