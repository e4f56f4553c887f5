using Berth.Server.Logs;
using Berth.Server.State;
using Berth.Store;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using V1 = Berth.Protocol.V1;

namespace Berth.Server.Api.Grpc;

/// <summary>
/// The public API over gRPC (proto/berth.proto, <c>berth.v1.Berth</c>), on the server's HTTP/2 endpoint beside the agent
/// protocol. Every call is the <see cref="ApiOperations"/> (or <see cref="ClusterQueries"/>, <see cref="EventLog"/>,
/// <see cref="ReplicaLogs"/>) call its REST endpoint makes; this class only turns messages into arguments and answers
/// into messages. Refusals become INVALID_ARGUMENT, NOT_FOUND, ABORTED or RESOURCE_EXHAUSTED (<see cref="ApiFaultCodes"/>)
/// with the same message REST answers.
/// </summary>
internal sealed class BerthGrpcService(
    ApiOperations operations,
    EventLog events,
    ReplicaLogs logs,
    IHostApplicationLifetime lifetime) : V1.Berth.BerthBase
{
    public override async Task<V1.ApplyResponse> Apply(V1.ApplyRequest request, ServerCallContext context) =>
        ApiProto.Apply(await CallAsync(() => operations.ApplyAsync(request.Manifest, context.CancellationToken)).ConfigureAwait(false));

    public override async Task<V1.PlanResponse> Plan(V1.PlanRequest request, ServerCallContext context) =>
        ApiProto.Plan(await CallAsync(() => operations.PlanAsync(request.Manifest, context.CancellationToken)).ConfigureAwait(false));

    public override async Task<V1.ListWorkloadsResponse> ListWorkloads(V1.ListWorkloadsRequest request, ServerCallContext context)
    {
        var message = new V1.ListWorkloadsResponse();
        foreach (var workload in await operations.Queries.WorkloadsAsync(context.CancellationToken).ConfigureAwait(false))
        {
            message.Workloads.Add(ApiProto.Workload(workload));
        }
        return message;
    }

    public override async Task<V1.GetWorkloadResponse> GetWorkload(V1.GetWorkloadRequest request, ServerCallContext context) =>
        ApiProto.WorkloadDetail(await CallAsync(() => operations.WorkloadAsync(request.Namespace, request.Name, context.CancellationToken)).ConfigureAwait(false));

    public override async Task<V1.DeleteWorkloadResponse> DeleteWorkload(V1.DeleteWorkloadRequest request, ServerCallContext context)
    {
        var deleted = await CallAsync(() => operations.DeleteAsync(request.Namespace, request.Name, context.CancellationToken)).ConfigureAwait(false);
        return new V1.DeleteWorkloadResponse { Key = deleted.Key, Revision = deleted.Revision };
    }

    public override async Task<V1.WorkloadChangeResponse> ScaleWorkload(V1.ScaleWorkloadRequest request, ServerCallContext context) =>
        ApiProto.Change(await CallAsync(() => operations.ScaleAsync(request.Namespace, request.Name, request.Replicas, context.CancellationToken)).ConfigureAwait(false));

    public override async Task<V1.WorkloadChangeResponse> StopWorkload(V1.StopWorkloadRequest request, ServerCallContext context) =>
        ApiProto.Change(await CallAsync(() => operations.StopAsync(request.Namespace, request.Name, context.CancellationToken)).ConfigureAwait(false));

    public override async Task<V1.WorkloadChangeResponse> StartWorkload(V1.StartWorkloadRequest request, ServerCallContext context) =>
        ApiProto.Change(await CallAsync(() => operations.StartAsync(request.Namespace, request.Name, context.CancellationToken)).ConfigureAwait(false));

    public override async Task<V1.ListObjectsResponse> ListObjects(V1.ListObjectsRequest request, ServerCallContext context)
    {
        var message = new V1.ListObjectsResponse();
        foreach (var view in await CallAsync(() => operations.ObjectsAsync(request.Kind, context.CancellationToken)).ConfigureAwait(false))
        {
            message.Objects.Add(new V1.StoredObjectView { Kind = view.Kind, Namespace = view.Namespace, Name = view.Name, Revision = view.Revision, SpecJson = view.Spec.GetRawText() });
        }
        return message;
    }

    public override async Task<V1.DeleteWorkloadResponse> DeleteObject(V1.DeleteObjectRequest request, ServerCallContext context)
    {
        var deleted = await CallAsync(() => operations.DeleteObjectAsync(request.Kind, request.Namespace, request.Name, context.CancellationToken)).ConfigureAwait(false);
        return new V1.DeleteWorkloadResponse { Key = deleted.Key, Revision = deleted.Revision };
    }

    public override async Task<V1.ListQuotasResponse> ListQuotas(V1.ListQuotasRequest request, ServerCallContext context)
    {
        var message = new V1.ListQuotasResponse();
        foreach (var view in await CallAsync(() => operations.QuotasAsync(context.CancellationToken)).ConfigureAwait(false))
        {
            var quota = new V1.QuotaUse { Namespace = view.Namespace, Name = view.Name, AllowBurst = view.AllowBurst, MaxBurstPercent = view.MaxBurstPercent };
            foreach (var r in view.Resources)
            {
                quota.Resources.Add(new V1.QuotaResourceUse { Resource = r.Resource, Used = r.Used, Hard = r.Hard ?? "", Soft = r.Soft ?? "", BurstCeiling = r.BurstCeiling ?? "" });
            }
            message.Quotas.Add(quota);
        }
        return message;
    }

    public override async Task<V1.ListServersResponse> ListServers(V1.ListServersRequest request, ServerCallContext context)
    {
        var servers = await operations.Queries.ServersAsync(context.CancellationToken).ConfigureAwait(false);
        var message = new V1.ListServersResponse { Leader = servers.Leader ?? "", Term = servers.Term };
        foreach (var server in servers.Servers)
        {
            message.Servers.Add(new V1.Server
            {
                Id = server.Id,
                ApiAddress = server.ApiAddress,
                GrpcAddress = server.GrpcAddress,
                Role = server.Role,
                StartedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(server.StartedAt),
            });
        }
        return message;
    }

    public override async Task<V1.ListNodesResponse> ListNodes(V1.ListNodesRequest request, ServerCallContext context)
    {
        var message = new V1.ListNodesResponse();
        foreach (var node in await operations.Queries.NodesAsync(context.CancellationToken).ConfigureAwait(false))
        {
            message.Nodes.Add(ApiProto.Node(node));
        }
        return message;
    }

    public override Task<V1.CordonNodeResponse> CordonNode(V1.CordonNodeRequest request, ServerCallContext context) =>
        CordonAsync(request.Name, cordon: true, context);

    public override Task<V1.CordonNodeResponse> UncordonNode(V1.UncordonNodeRequest request, ServerCallContext context) =>
        CordonAsync(request.Name, cordon: false, context);

    public override async Task<V1.DrainNodeResponse> DrainNode(V1.DrainNodeRequest request, ServerCallContext context) =>
        ApiProto.Drain(await CallAsync(() => operations.DrainAsync(request.Name, context.CancellationToken)).ConfigureAwait(false));

    public override async Task<V1.ListAssignmentsResponse> ListAssignments(V1.ListAssignmentsRequest request, ServerCallContext context)
    {
        var message = new V1.ListAssignmentsResponse();
        foreach (var assignment in await operations.Queries.AssignmentsAsync(context.CancellationToken).ConfigureAwait(false))
        {
            message.Assignments.Add(ApiProto.Assignment(assignment));
        }
        return message;
    }

    public override async Task<V1.ListEventsResponse> ListEvents(V1.ListEventsRequest request, ServerCallContext context) =>
        // proto3 has no absent int32: 0 asks for the default, as an absent ?limit= does.
        ApiProto.Events(await CallAsync(() => operations.EventsAsync(request.After, request.Limit == 0 ? null : request.Limit, context.CancellationToken)).ConfigureAwait(false));

    public override async Task WatchEvents(V1.WatchEventsRequest request, IServerStreamWriter<V1.Event> responseStream, ServerCallContext context)
    {
        await CallAsync(() =>
        {
            ApiOperations.CheckAfter(request.After);
            return Task.FromResult(true);
        }).ConfigureAwait(false);
        // Stopping the server must end open streams, or graceful shutdown would wait its whole timeout for them.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var clusterEvent in events.FollowAsync(request.After, stop.Token).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(ApiProto.Event(clusterEvent), stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away or the server is stopping: the stream simply ends.
        }
        catch (RevisionCompactedException e)
        {
            throw new RpcException(new Status(StatusCode.OutOfRange, ApiMessages.EventsCompacted(request.After, e.Message)));
        }
    }

    public override async Task ReplicaLogs(V1.ReplicaLogsRequest request, IServerStreamWriter<V1.LogLine> responseStream, ServerCallContext context)
    {
        int tail = request.HasTail ? request.Tail : int.MaxValue;
        var workload = await CallAsync(() => operations.ReplicaLogsWorkloadAsync(request.Namespace, request.Name, request.Replica, tail, context.CancellationToken)).ConfigureAwait(false);
        if (!request.Follow)
        {
            foreach (var line in logs.Tail(workload, request.Replica, tail))
            {
                await responseStream.WriteAsync(new V1.LogLine { Line = line }, context.CancellationToken).ConfigureAwait(false);
            }
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var line in logs.FollowAsync(workload, request.Replica, tail, stop.Token).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(new V1.LogLine { Line = line }, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away or the server is stopping: the stream simply ends.
        }
    }

    private async Task<V1.CordonNodeResponse> CordonAsync(string node, bool cordon, ServerCallContext context)
    {
        var answer = await CallAsync(() => operations.CordonAsync(node, cordon, context.CancellationToken)).ConfigureAwait(false);
        return new V1.CordonNodeResponse { Node = answer.Node, Cordoned = answer.Cordoned };
    }

    public override async Task<V1.RebalanceResponse> Rebalance(V1.RebalanceRequest request, ServerCallContext context)
    {
        // Resolved per call rather than taken by the constructor, so the fleet layer adds no dependency to the other rpcs.
        var rebalancer = context.GetHttpContext().RequestServices.GetRequiredService<Fleet.FleetRebalancer>();
        var answer = await CallAsync(() => rebalancer.AnswerAsync(request.Workload, context.CancellationToken)).ConfigureAwait(false);
        var message = new V1.RebalanceResponse();
        message.Triggers.Add(answer.Triggers);
        foreach (var move in answer.Moves)
        {
            message.Moves.Add(new V1.RebalanceMove { Workload = move.Workload, Completed = move.Completed, Shares = move.Shares, Message = move.Message });
        }
        message.DeletedClusters.Add(answer.DeletedClusters);
        message.Unhandled.Add(answer.Unhandled);
        return message;
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ApiRequestException e)
        {
            throw new RpcException(new Status(ApiFaultCodes.GrpcStatus(e.Fault), e.Message));
        }
    }
}
