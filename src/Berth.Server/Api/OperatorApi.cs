using System.Text.Json;
using Berth.Server.Hosting;
using Berth.Server.Nodes;
using Berth.Server.Placement;
using Berth.Core.Specs;
using Berth.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Berth.Server.Api.ApiJson;

namespace Berth.Server.Api;

/// <summary>
/// The operator verbs of the REST API, mapped under <c>/v1</c> by <see cref="BerthApi.MapBerthApi"/>. Every change is
/// one compare-and-write with its event and wakes the control loop; errors are <c>{"error": "..."}</c>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>POST /v1/workloads/{ns}/{name}/scale</c></term><description>Body <c>{"replicas": N}</c>: sets the replica count (400 names <c>replicas</c> when it is not an integer from 0, or outside the workload's <c>{min, max}</c>).</description></item>
/// <item><term><c>POST /v1/workloads/{ns}/{name}/stop</c></term><description>Desired state Stopped: the replicas stop and release their room.</description></item>
/// <item><term><c>POST /v1/workloads/{ns}/{name}/start</c></term><description>Desired state Running again.</description></item>
/// <item><term><c>POST /v1/nodes/{name}/cordon</c>, <c>/uncordon</c></term><description>Stops or resumes placing replicas on the node.</description></item>
/// <item><term><c>POST /v1/nodes/{name}/drain</c></term><description>One drain step: cordons and releases at most one replica per workload; call again until <c>complete</c>.</description></item>
/// <item><term><c>POST /v1/plan</c></term><description>Manifest text as for <c>/v1/apply</c>; answers what apply would change and where each replica would go, writing nothing (<see cref="PlacementPreview"/>).</description></item>
/// </list>
/// Unknown workloads and nodes are 404.
/// </remarks>
internal static class OperatorApi
{
    /// <summary>Maps the operator endpoints onto the <c>/v1</c> group; needs <see cref="NodeManager"/> and <see cref="PlacementPreview"/> registered besides what <see cref="BerthApi"/> needs.</summary>
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapPost("/workloads/{ns}/{name}/scale", ScaleAsync)
            .WithName("ScaleWorkload").WithTags("Workloads")
            .RequireAccess(AccessVerbs.Scale, AccessKinds.Workloads)
            .WithSummary("Sets a workload's replica count: body {\"replicas\": N}, within the workload's {min, max} when it declares one.")
            .Accepts<string>("application/json")
            .Produces<WorkloadChangeResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);
        v1.MapPost("/workloads/{ns}/{name}/stop", (string ns, string name, ApiOperations operations, CancellationToken ct) =>
            AnswerAsync(() => operations.StopAsync(ns, name, ct)))
            .WithName("StopWorkload").WithTags("Workloads")
            .RequireAccess(AccessVerbs.Stop, AccessKinds.Workloads)
            .WithSummary("Sets a workload's desired state to Stopped: its replicas stop and release their room.")
            .Produces<WorkloadChangeResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        v1.MapPost("/workloads/{ns}/{name}/start", (string ns, string name, ApiOperations operations, CancellationToken ct) =>
            AnswerAsync(() => operations.StartAsync(ns, name, ct)))
            .WithName("StartWorkload").WithTags("Workloads")
            .RequireAccess(AccessVerbs.Start, AccessKinds.Workloads)
            .WithSummary("Sets a stopped workload's desired state back to Running: its replicas are placed again.")
            .Produces<WorkloadChangeResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        v1.MapPost("/nodes/{name}/cordon", (string name, ApiOperations operations, CancellationToken ct) =>
            AnswerAsync(() => operations.CordonAsync(name, true, ct)))
            .WithName("CordonNode").WithTags("Nodes")
            .RequireAccess(AccessVerbs.Cordon, AccessKinds.Nodes)
            .WithSummary("Stops placing new replicas on a node; those running there stay.")
            .Produces<NodeCordonResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        v1.MapPost("/nodes/{name}/uncordon", (string name, ApiOperations operations, CancellationToken ct) =>
            AnswerAsync(() => operations.CordonAsync(name, false, ct)))
            .WithName("UncordonNode").WithTags("Nodes")
            .RequireAccess(AccessVerbs.Uncordon, AccessKinds.Nodes)
            .WithSummary("Places replicas on a cordoned node again.")
            .Produces<NodeCordonResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        v1.MapPost("/nodes/{name}/drain", (string name, ApiOperations operations, CancellationToken ct) =>
            AnswerAsync(() => operations.DrainAsync(name, ct)))
            .WithName("DrainNode").WithTags("Nodes")
            .RequireAccess(AccessVerbs.Drain, AccessKinds.Nodes)
            .WithSummary("One drain step: cordons the node and releases at most one replica per workload, keeping each workload's minimum available; call again until complete.")
            .Produces<DrainResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        v1.MapPost("/plan", PlanAsync)
            .WithName("Plan").WithTags("Workloads")
            .RequireManifestAccess(AccessVerbs.Plan)
            .WithSummary("Dry run of apply: what each manifest would create or change and where each replica would go; writes nothing.")
            .Accepts<string>("application/yaml", "application/json")
            .Produces<PlanPreview>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<IResult> ScaleAsync(string ns, string name, HttpRequest request, ApiOperations operations, ServerOptions options, CancellationToken ct)
    {
        var (text, error) = await ManifestBody.ReadAsync(request, options, allowEmpty: true, ct);
        if (error is not null)
        {
            return error;
        }
        if (!TryReplicas(text!, out int replicas, out var message))
        {
            return Error(StatusCodes.Status400BadRequest, message);
        }
        return await AnswerAsync(() => operations.ScaleAsync(ns, name, replicas, ct));
    }

    private static bool TryReplicas(string text, out int replicas, out string error)
    {
        replicas = 0;
        error = ApiMessages.ScaleBodyInvalid;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("replicas", out var value))
            {
                return false;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out replicas))
            {
                error = ApiMessages.ReplicasNotInteger(value.GetRawText());
                return false;
            }
            if (replicas < 0)
            {
                error = ApiMessages.NegativeReplicas(replicas);
                return false;
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // The operation itself (validation, not found, conflicts, waking the control loop) is ApiOperations, shared with the
    // gRPC API; here only its refusal becomes an HTTP answer.
    private static async Task<IResult> AnswerAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return Json(await operation());
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
    }

    private static async Task<IResult> PlanAsync(HttpRequest request, ApiOperations operations, ServerOptions options, CancellationToken ct)
    {
        var (text, error) = await ManifestBody.ReadAsync(request, options, allowEmpty: false, ct);
        if (error is not null)
        {
            return error;
        }
        return await AnswerAsync(() => operations.PlanAsync(text!, ct));
    }

}
