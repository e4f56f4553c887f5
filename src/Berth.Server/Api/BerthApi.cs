using System.Globalization;
using Berth.Server.Hosting;
using Berth.Server.Leadership;
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
/// The REST API under <c>/v1</c>, plus <c>/healthz</c> and <c>/readyz</c>. Answers are JSON (<see cref="ApiJson"/>);
/// every error is <c>{"error": "..."}</c> (<see cref="ApiError"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>POST /v1/apply</c></term><description>Manifest text (YAML or JSON, one or more Workload documents). All are validated before anything is written; 400 names the field path.</description></item>
/// <item><term><c>GET /v1/workloads</c></term><description>Every workload.</description></item>
/// <item><term><c>GET /v1/workloads/{ns}/{name}</c></term><description>Spec, assignments and last events of one workload.</description></item>
/// <item><term><c>DELETE /v1/workloads/{ns}/{name}</c></term><description>Deletes the workload; the placer removes its assignments.</description></item>
/// <item><term><c>GET /v1/nodes</c></term><description>Every node with status and last heartbeat.</description></item>
/// <item><term><c>GET /v1/nodes?offset=N&amp;limit=N&amp;filter=TEXT</c></term><description>One page of the nodes with counts and what their replicas hold (<see cref="NodePages"/>).</description></item>
/// <item><term><c>GET /v1/assignments</c></term><description>Every assignment.</description></item>
/// <item><term><c>GET /v1/events?after=REV&amp;limit=N</c></term><description>Events committed after revision REV, at most N (default 100, at most 1000).</description></item>
/// <item><term><c>GET /v1/events?follow=true&amp;after=REV</c></term><description>Server-sent events: those after REV, then live ones (<see cref="EventStream"/>).</description></item>
/// <item><term><c>POST /v1/workloads/{ns}/{name}/scale|stop|start</c>, <c>POST /v1/nodes/{name}/cordon|uncordon|drain</c>, <c>POST /v1/plan</c></term><description>The operator verbs (<see cref="OperatorApi"/>).</description></item>
/// </list>
/// </remarks>
public static class BerthApi
{
    /// <summary>Default <c>limit</c> of <c>GET /v1/events</c>.</summary>
    public const int DefaultEventLimit = 100;

    /// <summary>Largest <c>limit</c> of <c>GET /v1/events</c>.</summary>
    public const int MaxEventLimit = 1000;

    /// <summary>Maps every endpoint onto <paramref name="app"/>; needs <see cref="WorkloadWriter"/>, <see cref="ClusterQueries"/>, <see cref="ControlLoopSignal"/> and <see cref="ServerOptions"/> registered, and for the operator verbs <see cref="Nodes.NodeManager"/> and <see cref="Placement.PlacementPreview"/>, all behind <see cref="ApiOperations"/> (registered too).</summary>
    public static IEndpointRouteBuilder MapBerthApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => Json(new HealthResponse("ok")))
            .WithName("Health").WithTags("Health")
            .WithSummary("200 while the process serves requests.")
            .Produces<HealthResponse>(StatusCodes.Status200OK);
        app.MapGet("/readyz", ReadyAsync)
            .WithName("Ready").WithTags("Health")
            .WithSummary("200 once the store answers and a leader is elected (on the leader: once its control loop has completed a pass); 503 before. Says this server's role and the leader's id.")
            .Produces<HealthResponse>(StatusCodes.Status200OK)
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);

        var v1 = app.MapGroup("/v1");
        v1.MapPost("/apply", ApplyAsync)
            .WithName("Apply").WithTags("Workloads")
            .RequireManifestAccess(AccessVerbs.Apply)
            .WithSummary("Creates or updates workloads from manifest text (YAML or JSON, one or more Workload documents); all are validated before anything is written.")
            .Accepts<string>("application/yaml", "application/json")
            .Produces<ApplyResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status409Conflict)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);
        v1.MapGet("/workloads", async (ClusterQueries queries, CancellationToken ct) => Json(await queries.WorkloadsAsync(ct)))
            .WithName("ListWorkloads").WithTags("Workloads")
            .RequireAccess(AccessVerbs.List, AccessKinds.Workloads)
            .WithSummary("Every workload.")
            .Produces<WorkloadView[]>(StatusCodes.Status200OK);
        v1.MapGet("/workloads/{ns}/{name}", GetWorkloadAsync)
            .WithName("GetWorkload").WithTags("Workloads")
            .RequireAccess(AccessVerbs.Get, AccessKinds.Workloads)
            .WithSummary("Spec, assignments and last events of one workload.")
            .Produces<WorkloadDetail>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);
        v1.MapDelete("/workloads/{ns}/{name}", DeleteWorkloadAsync)
            .WithName("DeleteWorkload").WithTags("Workloads")
            .RequireAccess(AccessVerbs.Delete, AccessKinds.Workloads)
            .WithSummary("Deletes a workload; the control loop then removes its assignments.")
            .Produces<DeleteResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        v1.MapGet("/quotas", async (ApiOperations operations, CancellationToken ct) => Json(await operations.QuotasAsync(ct)))
            .WithName("ListQuotas").WithTags("Objects")
            .RequireAccess(AccessVerbs.List, AccessKinds.Quotas)
            .WithSummary("Every quota with its namespace's use against each hard and soft limit and the burst ceiling.")
            .Produces<QuotaView[]>(StatusCodes.Status200OK);
        v1.MapGet("/objects/{kind}", ListObjectsAsync)
            .WithName("ListObjects").WithTags("Objects")
            .RequireAccess(AccessVerbs.List, AccessRequirement.KindFromRoute)
            .WithSummary("Every stored object of a kind other than Workload (by plural, e.g. quotas), with its spec.")
            .Produces<ObjectView[]>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest);
        v1.MapDelete("/objects/{kind}/{name}", (string kind, string name, ApiOperations operations, CancellationToken ct) => DeleteObjectAsync(kind, "", name, operations, ct))
            .WithName("DeleteClusterObject").WithTags("Objects")
            .RequireAccess(AccessVerbs.Delete, AccessRequirement.KindFromRoute)
            .WithSummary("Deletes a cluster-wide object (e.g. a priority class).")
            .Produces<DeleteResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        v1.MapDelete("/objects/{kind}/{ns}/{name}", (string kind, string ns, string name, ApiOperations operations, CancellationToken ct) => DeleteObjectAsync(kind, ns, name, operations, ct))
            .WithName("DeleteObject").WithTags("Objects")
            .RequireAccess(AccessVerbs.Delete, AccessRequirement.KindFromRoute)
            .WithSummary("Deletes a namespaced object (e.g. a quota).")
            .Produces<DeleteResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        v1.MapGet("/reservations", async (Reservations.ReservationQueries queries, CancellationToken ct) => Json(await queries.ListAsync(ct)))
            .WithName("ListReservations").WithTags("Reservations")
            .RequireAccess(AccessVerbs.List, AccessKinds.Reservations)
            .WithSummary("Every reservation with what it reserves, what its workloads use and what it still holds off others.")
            .Produces<Berth.Scheduling.Snapshot.ReservationUsage[]>(StatusCodes.Status200OK);
        v1.MapGet("/nodes", NodePages.ListAsync)
            .WithName("ListNodes").WithTags("Nodes")
            .RequireAccess(AccessVerbs.List, AccessKinds.Nodes)
            .WithSummary("Every node with its status and last heartbeat.")
            .WithQueryParameter(NodePages.OffsetParameter, ApiDocument.IntegerSchema, "With any of offset, limit, filter the answer is one page (NodePage: total, ready and cordoned counts and the nodes with what their replicas hold) instead of every node. The first node of the page, from 0. Default 0.")
            .WithQueryParameter(NodePages.LimitParameter, ApiDocument.IntegerSchema, $"Page size, 1 to {NodePages.MaxLimit}. Default {NodePages.DefaultLimit}.")
            .WithQueryParameter(NodePages.FilterParameter, ApiDocument.StringSchema, "Only nodes whose name or a label (key=value) contains this text, ignoring case.")
            .Produces<NodeView[]>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest);
        v1.MapGet("/assignments", async (ClusterQueries queries, CancellationToken ct) => Json(await queries.AssignmentsAsync(ct)))
            .WithName("ListAssignments").WithTags("Assignments")
            .RequireAccess(AccessVerbs.List, AccessKinds.Assignments)
            .WithSummary("Every assignment of a replica to a node.")
            .Produces<AssignmentView[]>(StatusCodes.Status200OK);
        v1.MapGet("/events", GetEventsAsync)
            .WithName("ListEvents").WithTags("Events")
            .RequireAccess(AccessVerbs.List, AccessKinds.Events)
            .WithSummary("Events committed after a revision; with follow=true, a text/event-stream of those and then live ones (each message: id = revision, data = one event as JSON).")
            .WithQueryParameter("after", ApiDocument.IntegerSchema, "Store revision; only events committed after it. Default 0.")
            .WithQueryParameter("limit", ApiDocument.IntegerSchema, $"At most this many events, 1 to {MaxEventLimit}. Default {DefaultEventLimit}. Ignored with follow=true.")
            .WithQueryParameter("follow", ApiDocument.BooleanSchema, "true: answer text/event-stream and keep sending events as they commit.")
            .Produces<EventsResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest);
        v1.MapGet("/servers", async (ClusterQueries queries, CancellationToken ct) => Json(await queries.ServersAsync(ct)))
            .WithName("ListServers").WithTags("Servers")
            .RequireAccess(AccessVerbs.List, AccessKinds.Servers)
            .WithSummary("Every running server of the control plane with its addresses and role (leader or follower), and the leader's term.")
            .Produces<ServersResponse>(StatusCodes.Status200OK);
        OperatorApi.Map(v1);
        Fleet.RebalanceApi.Map(v1);
        FleetClusterApi.Map(v1);
        Fleet.FleetApi.MapFleet(v1);
        Automation.AutomationApi.MapAutomation(v1);
        return app;
    }

    private static async Task<IResult> ReadyAsync(IKeyValueStore store, ControlLoopService loop, LeaderElection election, CancellationToken ct)
    {
        KeyValue? leader;
        try
        {
            leader = await store.GetAsync(KeyLayout.Leader, ct);
        }
        catch (StoreException e)
        {
            return Json(new HealthResponse(ApiMessages.StoreUnavailable(e.Message)), StatusCodes.Status503ServiceUnavailable);
        }
        // A follower is ready once some server leads (it serves the API and agents); a leader once its loop made a pass.
        bool leading = election.IsLeader;
        var role = leading ? LeadershipMessages.LeaderRole : LeadershipMessages.FollowerRole;
        var leaderId = leader is null ? null : System.Text.Encoding.UTF8.GetString(leader.Value.Span);
        if (leaderId is null)
        {
            return Json(new HealthResponse(LeadershipMessages.NoLeaderYet) { Role = role }, StatusCodes.Status503ServiceUnavailable);
        }
        return !leading || loop.CompletedPasses > 0
            ? Json(new HealthResponse("ok") { Role = role, Leader = leaderId })
            : Json(new HealthResponse("control loop has not completed its first pass") { Role = role, Leader = leaderId }, StatusCodes.Status503ServiceUnavailable);
    }

    // Apply, get, delete and the events read are ApiOperations (shared with the gRPC API); these handlers only read the
    // HTTP request and write the JSON answer.
    private static async Task<IResult> ApplyAsync(HttpRequest request, ApiOperations operations, ServerOptions options, CancellationToken ct)
    {
        var (text, bodyError) = await ManifestBody.ReadAsync(request, options, allowEmpty: false, ct);
        if (bodyError is not null)
        {
            return bodyError;
        }
        try
        {
            return Json(await operations.ApplyAsync(text!, ct));
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
    }

    private static async Task<IResult> GetWorkloadAsync(string ns, string name, ApiOperations operations, CancellationToken ct)
    {
        try
        {
            return Json(await operations.WorkloadAsync(ns, name, ct));
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
    }

    private static async Task<IResult> DeleteWorkloadAsync(string ns, string name, ApiOperations operations, CancellationToken ct)
    {
        try
        {
            return Json(await operations.DeleteAsync(ns, name, ct));
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
    }

    private static async Task<IResult> ListObjectsAsync(string kind, ApiOperations operations, CancellationToken ct)
    {
        try
        {
            return Json(await operations.ObjectsAsync(kind, ct));
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
    }

    private static async Task<IResult> DeleteObjectAsync(string kind, string ns, string name, ApiOperations operations, CancellationToken ct)
    {
        try
        {
            return Json(await operations.DeleteObjectAsync(kind, ns, name, ct));
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
    }

    private static async Task<IResult> GetEventsAsync(HttpRequest request, ApiOperations operations, CancellationToken ct)
    {
        long after = 0;
        int limit = DefaultEventLimit;
        string? afterText = request.Query["after"];
        string? limitText = request.Query["limit"];
        if (afterText is not null && !long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return Error(StatusCodes.Status400BadRequest, ApiMessages.InvalidQuery("after", afterText, "a revision, 0 or more"));
        }
        if (EventStream.IsRequested(request))
        {
            return EventStream.Follow(after);
        }
        if (limitText is not null && !int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit))
        {
            return Error(StatusCodes.Status400BadRequest, ApiMessages.InvalidQuery("limit", limitText, $"a number from 1 to {MaxEventLimit}"));
        }
        try
        {
            return Json(await operations.EventsAsync(after, limit, ct));
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
    }


}
