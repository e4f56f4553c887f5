using System.Globalization;
using System.Text.Json;
using Berth.Server.Logs;
using Berth.Server.State;
using Berth.Core.Specs;
using Berth.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Berth.Server.Api.ApiJson;

namespace Berth.Server.Api;

/// <summary>
/// <c>GET /v1/workloads/{ns}/{name}/replicas/{replica}/logs?tail=N&amp;follow=true</c>: what a replica wrote, from the
/// server's in-memory buffers (<see cref="ReplicaLogs"/>). Without <c>follow</c>, a <see cref="ReplicaLogsResponse"/>
/// with the last N lines (default: every kept line). With <c>follow=true</c>, server-sent events as
/// <see cref="EventStream"/> writes them: one message per line, its <c>data:</c> the line as a JSON string, first the
/// last N lines, then new ones as the agent pushes them, until the client disconnects or the server stops.
/// </summary>
public static class LogsApi
{
    /// <summary>The query parameter with the number of past lines.</summary>
    public const string TailParameter = "tail";

    /// <summary>Maps the endpoint; needs <see cref="ReplicaLogs"/> and <see cref="ApiOperations"/> registered.</summary>
    public static IEndpointRouteBuilder MapLogsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/v1/workloads/{ns}/{name}/replicas/{replica}/logs", LogsAsync)
            .WithName("GetReplicaLogs").WithTags("Workloads")
            .RequireAccess(AccessVerbs.Get, AccessKinds.Logs)
            .WithSummary("What a replica wrote, from the server's in-memory buffers; with follow=true, a text/event-stream of the last lines and then new ones (data = one line as a JSON string).")
            .WithQueryParameter(TailParameter, ApiDocument.IntegerSchema, "Only the last N lines. Default: every kept line.")
            .WithQueryParameter("follow", ApiDocument.BooleanSchema, "true: answer text/event-stream and keep sending lines as they arrive.")
            .Produces<ReplicaLogsResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> LogsAsync(string ns, string name, string replica, HttpRequest request, ApiOperations operations, ReplicaLogs logs, CancellationToken ct)
    {
        // The namespace and name are checked first, as before the replica and tail text.
        try
        {
            _ = ApiOperations.WorkloadKeyOf(ns, name);
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
        if (!int.TryParse(replica, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return Error(StatusCodes.Status400BadRequest, ApiMessages.InvalidReplica(replica));
        }
        int tail = int.MaxValue;
        string? tailText = request.Query[TailParameter];
        if (tailText is not null && !int.TryParse(tailText, NumberStyles.None, CultureInfo.InvariantCulture, out tail))
        {
            return Error(StatusCodes.Status400BadRequest, ApiMessages.InvalidQuery(TailParameter, tailText, "a number of lines, 0 or more"));
        }
        WorkloadKey workload;
        try
        {
            workload = await operations.ReplicaLogsWorkloadAsync(ns, name, index, tail, ct);
        }
        catch (ApiRequestException e)
        {
            return ApiFaultCodes.HttpAnswer(e);
        }
        return EventStream.IsRequested(request)
            ? new FollowResult(workload, index, tail)
            : Json(new ReplicaLogsResponse(workload.ToString(), index, logs.Tail(workload, index, tail)));
    }


    private sealed class FollowResult(WorkloadKey workload, int replica, int tail) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var logs = httpContext.RequestServices.GetRequiredService<ReplicaLogs>();
            var lifetime = httpContext.RequestServices.GetRequiredService<IHostApplicationLifetime>();
            // Stopping the server must end open streams, or graceful shutdown would wait its whole timeout for them.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, lifetime.ApplicationStopping);
            var response = httpContext.Response;
            response.ContentType = EventStream.ContentType;
            response.Headers.CacheControl = "no-cache";
            await response.StartAsync(stop.Token).ConfigureAwait(false);
            try
            {
                await foreach (var line in logs.FollowAsync(workload, replica, tail, stop.Token).ConfigureAwait(false))
                {
                    // A JSON string: a line may hold characters (a lone CR) that would end an SSE data field.
                    await response.WriteAsync(EventStream.Format(JsonSerializer.Serialize(line, ApiJson.Info<string>())), stop.Token).ConfigureAwait(false);
                    await response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The client went away or the server is stopping: the stream simply ends.
            }
        }
    }
}
