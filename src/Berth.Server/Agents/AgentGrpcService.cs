using Berth.Core.Resources;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Server.Logs;
using Berth.Server.Nodes;
using Berth.Server.Security;
using Berth.Server.State;
using Berth.Protocol.Agent.V1;
using Grpc.Core;
using Microsoft.Extensions.Hosting;

namespace Berth.Server.Agents;

/// <summary>
/// The agent contract (proto/agent.proto, <c>berth.agent.v1.AgentService</c>) over gRPC, on the server's HTTP/2
/// endpoint. Each call is <see cref="AgentOperations"/> (or <see cref="ReplicaLogs"/> for PushLogs); refusals become
/// NOT_FOUND (register first), INVALID_ARGUMENT or ABORTED (concurrent writes won, call again).
/// </summary>
/// <remarks>
/// WatchAssignments sends the node's whole assignment set at once, then again whenever the server's
/// <see cref="NodeAssignmentIndex"/> says this node's set may have changed and it is not the one last sent, and in any
/// case every <see cref="ServerOptions.AssignmentResendInterval"/>, so an agent that missed a message heals without
/// reconnecting. Sets come from the index's memory, not from the store, and a change wakes only the streams of the
/// nodes it concerns. The stream ends when the agent goes away or the server stops.
/// </remarks>
internal sealed class AgentGrpcService(
    AgentOperations operations,
    ReplicaLogs logs,
    NodeAssignmentIndex index,
    ServerOptions options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    NodeAuthorizer authorizer) : AgentService.AgentServiceBase
{
    public override async Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        authorizer.Authorize(context, request.Name);
        var allocatable = new List<KeyValuePair<string, Quantity>>();
        foreach (var (name, amount) in request.Allocatable)
        {
            if (!Quantity.TryParse(amount, out var quantity, out var error))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, AgentMessages.InvalidAllocatable(name, amount, error)));
            }
            allocatable.Add(KeyValuePair.Create(name, quantity));
        }
        var registration = new AgentRegistration(request.Name, new Dictionary<string, string>(request.Labels), ResourceList.From(allocatable));
        var record = await CallAsync(() => operations.RegisterAsync(registration, context.CancellationToken)).ConfigureAwait(false);
        return new RegisterResponse { Name = record.Spec.Name };
    }

    public override async Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        authorizer.Authorize(context, request.Node);
        List<RunningReplica>? running = null;
        if (request.Inventory is { } inventory)
        {
            // Every entry is checked before anything is recorded, so a bad inventory records neither beat nor inventory.
            running = new List<RunningReplica>(inventory.Replicas.Count);
            foreach (var replica in inventory.Replicas)
            {
                try
                {
                    var workload = WorkloadKey.Parse(replica.Workload);
                    _ = KeyLayout.Assignment(workload, replica.Replica);
                    running.Add(new RunningReplica(workload, replica.Replica, replica.WorkloadRevision));
                }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, AgentMessages.InvalidInventory(replica.Workload, replica.Replica, e.Message)));
                }
            }
        }
        var outcome = await CallAsync(() => operations.HeartbeatAsync(request.Node, running, context.CancellationToken)).ConfigureAwait(false);
        return new HeartbeatResponse { Outcome = outcome.ToString() };
    }

    public override async Task<StatusResponse> ReportStatus(StatusReport request, ServerCallContext context)
    {
        var certified = authorizer.Authorize(context, request.Node);
        if (certified is not null && Reported(request.Workload) is { } reported)
        {
            await authorizer.AuthorizeReplicaAsync(certified, reported, request.Replica, context.CancellationToken).ConfigureAwait(false);
        }
        var state = request.State switch
        {
            ReplicaState.Running => AgentReplicaState.Running,
            ReplicaState.Exited => AgentReplicaState.Exited,
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, AgentMessages.InvalidReplicaState(request.State.ToString()))),
        };
        var report = new AgentStatusReport(
            request.Workload,
            request.Replica,
            state,
            request.HasExitCode ? request.ExitCode : null,
            request.LogTail.Length == 0 ? null : request.LogTail,
            request.HasWorkloadRevision ? request.WorkloadRevision : null);
        var answer = await CallAsync(() => operations.ReportAsync(request.Node, report, context.CancellationToken)).ConfigureAwait(false);
        return new StatusResponse { Outcome = answer.Outcome, Revision = answer.Revision };
    }

    public override async Task<PushLogsResponse> PushLogs(LogBatch request, ServerCallContext context)
    {
        var certified = authorizer.Authorize(context, request.Node);
        // Every workload name is checked before any line is kept, so a bad batch keeps nothing.
        var batch = new List<(WorkloadKey Workload, ReplicaLines Lines)>(request.Replicas.Count);
        foreach (var replica in request.Replicas)
        {
            try
            {
                var workload = WorkloadKey.Parse(replica.Workload);
                _ = KeyLayout.Assignment(workload, replica.Replica);
                batch.Add((workload, replica));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
            }
        }
        await CallAsync(async () =>
        {
            await operations.EnsureRegisteredAsync(request.Node, context.CancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        // Every replica is checked before any line is kept, as the names are.
        foreach (var (workload, lines) in batch)
        {
            await authorizer.AuthorizeReplicaAsync(certified, workload, lines.Replica, context.CancellationToken).ConfigureAwait(false);
        }
        long accepted = 0;
        foreach (var (workload, lines) in batch)
        {
            accepted += logs.Append(workload, lines.Replica, lines.Lines);
        }
        return new PushLogsResponse { Accepted = accepted };
    }

    public override async Task WatchAssignments(WatchAssignmentsRequest request, IServerStreamWriter<AssignmentSet> responseStream, ServerCallContext context)
    {
        // Stopping the server must end open streams, or graceful shutdown would wait its whole timeout for them.
        authorizer.Authorize(context, request.Node);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var ct = stop.Token;
        try
        {
            await CallAsync(async () =>
            {
                await operations.EnsureRegisteredAsync(request.Node, ct).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            await index.WaitReadyAsync(ct).ConfigureAwait(false);
            // The version is read before the set: a change made while the set is built moves it again and wakes the loop.
            long version = index.Version(request.Node);
            var sent = ToMessage(await index.SetAsync(request.Node, ct).ConfigureAwait(false));
            await responseStream.WriteAsync(sent, ct).ConfigureAwait(false);
            var lastSend = time.GetUtcNow();
            while (true)
            {
                var wait = options.AssignmentResendInterval - (time.GetUtcNow() - lastSend);
                await index.WaitForChangeAsync(request.Node, version, wait, time, ct).ConfigureAwait(false);
                version = index.Version(request.Node);
                var next = ToMessage(await index.SetAsync(request.Node, ct).ConfigureAwait(false));
                bool resendDue = time.GetUtcNow() - lastSend >= options.AssignmentResendInterval;
                if (resendDue || !next.Assignments.Equals(sent.Assignments))
                {
                    await responseStream.WriteAsync(next, ct).ConfigureAwait(false);
                    sent = next;
                    lastSend = time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The agent went away or the server is stopping: the stream simply ends.
        }
    }

    // A malformed name is left to the operations, which answer it as INVALID_ARGUMENT.
    private static WorkloadKey? Reported(string workload)
    {
        try
        {
            return WorkloadKey.Parse(workload);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static AssignmentSet ToMessage(AgentAssignmentsResponse response)
    {
        var set = new AssignmentSet { Node = response.Node, Revision = response.Revision };
        foreach (var item in response.Assignments)
        {
            var assignment = new ReplicaAssignment
            {
                Key = item.Key,
                Revision = item.Revision,
                Workload = item.Assignment.Workload.ToString(),
                Replica = item.Assignment.Replica,
                State = item.Assignment.State.ToString(),
                WorkloadRevision = item.WorkloadRevision,
            };
            foreach (var container in item.Workload.Containers)
            {
                var message = new Container { Name = container.Name, WorkingDir = container.WorkingDir ?? "" };
                message.Command.AddRange(container.Command);
                message.Args.AddRange(container.Args);
                foreach (var (name, value) in container.Env)
                {
                    message.Env[name] = value;
                }
                GpuVisibleDevices.Apply(message.Env, item.Assignment.Devices);
                assignment.Containers.Add(message);
            }
            set.Assignments.Add(assignment);
        }
        return set;
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AgentRequestException e)
        {
            var code = e.Fault switch
            {
                AgentFault.UnknownNode => StatusCode.NotFound,
                AgentFault.Conflict => StatusCode.Aborted,
                _ => StatusCode.InvalidArgument,
            };
            throw new RpcException(new Status(code, e.Message));
        }
    }
}
