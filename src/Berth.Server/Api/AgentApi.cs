using System.Text.Json;
using Berth.Core.Specs;
using Berth.Server.Hosting;
using Berth.Server.Nodes;
using Berth.Server.Retries;
using Berth.Server.State;
using Berth.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Berth.Server.Api;

/// <summary>
/// The agent API under <c>/v1/agents</c>: what a node agent (<c>berth agent</c>) calls to join, stay alive, read its
/// desired state and report what its replicas do. JSON as the rest of the API (<see cref="ApiJson"/>); errors are
/// <c>{"error": "..."}</c>.
/// </summary>
/// <remarks>
/// <para>DESIGN.md (and the agent issue) ask for gRPC between agents and the server, with the desired state streamed to
/// the agent. This REST surface is the first step: the same four operations over plain HTTP polling, so the agent and
/// its supervisor can be built and tested now; a gRPC service will carry the same messages and call the same
/// <see cref="NodeManager"/> / <see cref="RetryEngine"/> methods.</para>
/// <list type="table">
/// <item><term><c>POST /v1/agents/register</c></term><description><see cref="AgentRegistration"/> → <see cref="NodeManager.RegisterAsync"/>; answers the <see cref="NodeRecord"/>.</description></item>
/// <item><term><c>POST /v1/agents/{node}/heartbeat</c></term><description><see cref="NodeManager.HeartbeatAsync"/>; 404 "register first" for an unknown node.</description></item>
/// <item><term><c>GET /v1/agents/{node}/assignments</c></term><description>The node's assignments with the workload spec and revision each was placed with (<see cref="AgentAssignmentsResponse"/>; <see cref="WorkloadHistory"/>).</description></item>
/// <item><term><c>POST /v1/agents/{node}/status</c></term><description><see cref="AgentStatusReport"/>: Running turns a Pending assignment Running (compared on its mod revision, with a <see cref="ClusterEventType.ReplicaRunning"/> event); Exited goes to <see cref="RetryEngine.ReportExitAsync"/>. Reports about replicas that are gone, moved to another node or of another workload revision are answered 200 with an outcome saying so and write nothing; 409 means concurrent writes won, report again.</description></item>
/// </list>
/// </remarks>
public static class AgentApi
{
    /// <summary>How often a Running report re-reads and retries after a concurrent write.</summary>
    public const int MaxAttempts = 5;

    /// <summary>Longest exit reason taken from a log tail, in characters, so an event stays one short line.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>Outcome of a report about a replica that is assigned to another node: nothing was written.</summary>
    public const string WrongNodeOutcome = "WrongNode";

    /// <summary>Maps the agent endpoints onto <paramref name="app"/>; needs <see cref="NodeManager"/>, <see cref="RetryEngine"/>, <see cref="EventLog"/>, <see cref="WorkloadHistory"/>, <see cref="ControlLoopSignal"/> and the store registered.</summary>
    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var agents = app.MapGroup("/v1/agents");
        agents.MapPost("/register", RegisterAsync)
            .WithName("RegisterAgent").WithTags("Agents")
            .WithSummary("Registers (or re-registers) a node agent with its labels and allocatable resources.")
            .Accepts<AgentRegistration>("application/json")
            .Produces<NodeRecord>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        agents.MapPost("/{node}/heartbeat", HeartbeatAsync)
            .WithName("AgentHeartbeat").WithTags("Agents")
            .WithSummary("Records that the node's agent is alive; 404 until it has registered.")
            .Produces<AgentStatusResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        agents.MapGet("/{node}/assignments", AssignmentsAsync)
            .WithName("AgentAssignments").WithTags("Agents")
            .WithSummary("The node's assignments with their workload specs and revisions: what its agent should run.")
            .Produces<AgentAssignmentsResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);
        agents.MapPost("/{node}/status", StatusAsync)
            .WithName("AgentStatus").WithTags("Agents")
            .WithSummary("Reports a replica running or exited; exits go to the retry engine.")
            .Accepts<AgentStatusReport>("application/json")
            .Produces<AgentStatusResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> RegisterAsync(HttpRequest request, NodeManager nodes, ControlLoopSignal signal, CancellationToken ct)
    {
        var (registration, error) = await ReadAsync<AgentRegistration>(request, "an AgentRegistration {name, labels, allocatable}", ct);
        if (registration is null)
        {
            return error!;
        }
        NodeRecord record;
        try
        {
            record = await nodes.RegisterAsync(new NodeSpec(registration.Name, registration.Labels, [], registration.Allocatable), ct);
        }
        catch (ArgumentException e)
        {
            return Error(StatusCodes.Status400BadRequest, AgentMessages.InvalidNode(e.Message));
        }
        catch (InvalidOperationException e)
        {
            return Error(StatusCodes.Status409Conflict, e.Message);
        }
        // A new node may fit replicas that were unschedulable: place now rather than at the next tick.
        signal.Notify();
        return Json(record);
    }

    private static async Task<IResult> HeartbeatAsync(string node, NodeManager nodes, ControlLoopSignal signal, CancellationToken ct)
    {
        HeartbeatOutcome outcome;
        try
        {
            outcome = await nodes.HeartbeatAsync(node, ct);
        }
        catch (ArgumentException e)
        {
            return Error(StatusCodes.Status400BadRequest, AgentMessages.InvalidNode(e.Message));
        }
        catch (InvalidOperationException e)
        {
            return Error(StatusCodes.Status409Conflict, e.Message);
        }
        if (outcome == HeartbeatOutcome.UnknownNode)
        {
            return Error(StatusCodes.Status404NotFound, AgentMessages.RegisterFirst(node));
        }
        if (outcome == HeartbeatOutcome.BecameReady)
        {
            signal.Notify();
        }
        return Json(new AgentStatusResponse(outcome.ToString(), 0));
    }

    private static async Task<IResult> AssignmentsAsync(string node, IKeyValueStore store, WorkloadHistory history, CancellationToken ct)
    {
        string nodeKey;
        try
        {
            nodeKey = KeyLayout.Node(node);
        }
        catch (ArgumentException e)
        {
            return Error(StatusCodes.Status400BadRequest, AgentMessages.InvalidNode(e.Message));
        }
        // One read transaction, so each assignment is answered with the workload revision it was read with.
        var read = await store.TxnAsync(
            [],
            [TxnOp.Get(nodeKey), TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix)), TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix))],
            [],
            ct);
        if (read.Responses[0].Kvs.Count == 0)
        {
            return Error(StatusCodes.Status404NotFound, AgentMessages.RegisterFirst(node));
        }
        var workloads = new Dictionary<WorkloadKey, (WorkloadSpec Spec, long Revision)>();
        foreach (var kv in read.Responses[1].Kvs)
        {
            if (KeyLayout.TryParseWorkload(kv.Key, out var key))
            {
                workloads[key] = (StateSerializer.Deserialize<WorkloadSpec>(kv.Value.Span), kv.ModRevision);
            }
        }
        var mine = new List<AgentAssignment>();
        foreach (var kv in read.Responses[2].Kvs)
        {
            if (!KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            {
                continue;
            }
            var assignment = StateSerializer.Deserialize<Assignment>(kv.Value.Span);
            // An assignment whose workload is gone is about to be removed by the placer: leaving it out lets the agent stop it now.
            if (assignment.Node == node && workloads.TryGetValue(assignment.Workload, out var workload))
            {
                // A replica runs the revision it was placed with until the rolling replacement reaches it (or forever,
                // when only the scale changed): answer that revision's spec while the store still has it.
                if (assignment.WorkloadRevision != workload.Revision && await history.AtAsync(assignment.Workload, assignment.WorkloadRevision, ct) is { } placedWith)
                {
                    workload = (placedWith, assignment.WorkloadRevision);
                }
                mine.Add(new AgentAssignment(kv.Key, kv.ModRevision, assignment, workload.Spec, workload.Revision));
            }
        }
        return Json(new AgentAssignmentsResponse(node, read.Revision, mine));
    }

    private static async Task<IResult> StatusAsync(
        string node,
        HttpRequest request,
        IKeyValueStore store,
        EventLog events,
        RetryEngine retries,
        ControlLoopSignal signal,
        CancellationToken ct)
    {
        var (report, error) = await ReadAsync<AgentStatusReport>(request, "an AgentStatusReport {workload, replica, state, exitCode, logTail}", ct);
        if (report is null)
        {
            return error!;
        }
        WorkloadKey workload;
        try
        {
            workload = WorkloadKey.Parse(report.Workload);
            _ = KeyLayout.Node(node);
            _ = KeyLayout.Assignment(workload, report.Replica);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }
        if (await store.GetAsync(KeyLayout.Node(node), ct) is null)
        {
            return Error(StatusCodes.Status404NotFound, AgentMessages.RegisterFirst(node));
        }
        if (report.State == AgentReplicaState.Exited)
        {
            if (report.ExitCode is not { } exitCode)
            {
                return Error(StatusCodes.Status400BadRequest, AgentMessages.ExitCodeRequired);
            }
            var current = await store.RangeAsync(KeyRange.Key(KeyLayout.Assignment(workload, report.Replica)), cancellationToken: ct);
            if (current.Kvs.Count > 0 && StateSerializer.Deserialize<Assignment>(current.Kvs[0].Value.Span).Node != node)
            {
                // An exit from a copy on a node the replica has left must not fail the copy on its new node.
                return Json(new AgentStatusResponse(WrongNodeOutcome, current.Revision));
            }
            ExitResult result;
            try
            {
                result = await retries.ReportExitAsync(workload, report.Replica, exitCode, Reason(report.LogTail), ct);
            }
            catch (InvalidOperationException e)
            {
                return Error(StatusCodes.Status409Conflict, e.Message);
            }
            signal.Notify();
            var after = await store.RangeAsync(KeyRange.Key(KeyLayout.Assignment(workload, report.Replica)), cancellationToken: ct);
            return Json(new AgentStatusResponse(result.Outcome.ToString(), after.Revision));
        }
        return await RunningAsync(node, workload, report, store, events, ct);
    }

    // Pending → Running, compared on the assignment's and the workload's mod revisions so a report that raced a
    // re-apply, a removal or a restart is re-read and judged again rather than overwriting what changed.
    private static async Task<IResult> RunningAsync(string node, WorkloadKey workload, AgentStatusReport report, IKeyValueStore store, EventLog events, CancellationToken ct)
    {
        var workloadKey = KeyLayout.Workload(workload);
        var assignmentKey = KeyLayout.Assignment(workload, report.Replica);
        var subject = AssignmentApplier.ReplicaSubject(workload, report.Replica);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var read = await store.TxnAsync([], [TxnOp.Get(workloadKey), TxnOp.Get(assignmentKey)], [], ct);
            if (read.Responses[0].Kvs.Count == 0 || read.Responses[1].Kvs.Count == 0)
            {
                return Json(new AgentStatusResponse("UnknownReplica", read.Revision));
            }
            var workloadKv = read.Responses[0].Kvs[0];
            var assignmentKv = read.Responses[1].Kvs[0];
            var assignment = StateSerializer.Deserialize<Assignment>(assignmentKv.Value.Span);
            if (assignment.Node != node)
            {
                // The replica moved (released from this node and placed elsewhere): this report is stale.
                return Json(new AgentStatusResponse(WrongNodeOutcome, read.Revision));
            }
            if (report.WorkloadRevision is { } revision && revision != assignment.WorkloadRevision)
            {
                return Json(new AgentStatusResponse("Stale", read.Revision));
            }
            if (assignment.State != AssignmentState.Pending)
            {
                // Running: a repeated report. Failed, Stopped or Succeeded: the server already decided; the agent follows the next poll.
                return Json(new AgentStatusResponse(assignment.State == AssignmentState.Running ? "AlreadyRunning" : "NotPending", read.Revision));
            }
            var compares = new List<Compare>
            {
                Compare.ModRevision(workloadKey, CompareOp.Equal, workloadKv.ModRevision),
                Compare.ModRevision(assignmentKey, CompareOp.Equal, assignmentKv.ModRevision),
            };
            var operations = new List<TxnOp> { TxnOp.Put(assignmentKey, StateSerializer.Serialize(assignment with { State = AssignmentState.Running })) };
            events.Append(compares, operations, events.Create(ClusterEventType.ReplicaRunning, subject, AgentMessages.Running(subject, node)));
            var commit = await store.TxnAsync(compares, operations, [], ct);
            if (commit.Succeeded)
            {
                return Json(new AgentStatusResponse("Running", commit.Revision));
            }
        }
        return Error(StatusCodes.Status409Conflict, AgentMessages.TooManyConflicts(subject, MaxAttempts));
    }

    // The last non-empty line the replica wrote, shortened: the exit's event names it, so "exit code 1: <why>" reads
    // without fetching logs (logs streaming is not built yet).
    private static string? Reason(string? logTail)
    {
        if (string.IsNullOrWhiteSpace(logTail))
        {
            return null;
        }
        var lines = logTail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return null;
        }
        var last = lines[^1];
        return last.Length <= MaxReasonLength ? last : last[..MaxReasonLength];
    }

    private static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, string expected, CancellationToken ct)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, ApiJson.Info<T>(), ct);
            return value is null
                ? (null, Error(StatusCodes.Status400BadRequest, AgentMessages.InvalidBody(expected, "null")))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Error(StatusCodes.Status400BadRequest, AgentMessages.InvalidBody(expected, e.Message)));
        }
    }

    private static IResult Error(int status, string message) => Json(new ApiError(message), status);

    private static IResult Json<T>(T value, int status = StatusCodes.Status200OK) =>
        Results.Json(value, ApiJson.Info<T>(), statusCode: status);
}
