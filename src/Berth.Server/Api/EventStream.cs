using System.Globalization;
using System.Text;
using System.Text.Json;
using Berth.Server.State;
using Berth.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Berth.Server.Api;

/// <summary>
/// <c>GET /v1/events?follow=true&amp;after=REV</c>: the event log as server-sent events (<c>text/event-stream</c>). Each
/// event is one message, <c>id: REVISION</c> and <c>data: &lt;event JSON&gt;</c>: first those committed after REV, then live
/// ones as they commit (<see cref="EventLog.FollowAsync"/>). The stream ends when the client disconnects or the server stops.
/// </summary>
public static class EventStream
{
    /// <summary>The media type of the stream.</summary>
    public const string ContentType = "text/event-stream";

    /// <summary>The query parameter that asks for the stream.</summary>
    public const string FollowParameter = "follow";

    /// <summary>The SSE event name of the last message when history after REV was compacted.</summary>
    public const string ErrorEvent = "error";

    /// <summary>True when the request asks to follow (<c>follow=true</c>).</summary>
    public static bool IsRequested(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return string.Equals(request.Query[FollowParameter], "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The streaming answer for events after <paramref name="after"/>.</summary>
    public static IResult Follow(long after) => new StreamResult(after);

    /// <summary>Writes one SSE message: optional <c>event:</c> and <c>id:</c>, then <c>data:</c> (one line, JSON has no newlines here).</summary>
    public static string Format(string data, long? id = null, string? eventName = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var text = new StringBuilder();
        if (eventName is not null)
        {
            text.Append("event: ").Append(eventName).Append('\n');
        }
        if (id is not null)
        {
            text.Append("id: ").Append(id.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.Append("data: ").Append(data).Append("\n\n").ToString();
    }

    private sealed class StreamResult(long after) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var log = httpContext.RequestServices.GetRequiredService<EventLog>();
            var lifetime = httpContext.RequestServices.GetRequiredService<IHostApplicationLifetime>();
            // Stopping the server must end open streams, or graceful shutdown would wait its whole timeout for them.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, lifetime.ApplicationStopping);
            var response = httpContext.Response;
            response.ContentType = ContentType;
            response.Headers.CacheControl = "no-cache";
            // Sends the headers now, so the client knows the stream is open before the first event.
            await response.StartAsync(stop.Token).ConfigureAwait(false);
            try
            {
                await foreach (var clusterEvent in log.FollowAsync(after, stop.Token).ConfigureAwait(false))
                {
                    var json = JsonSerializer.Serialize(clusterEvent, ApiJson.Info<ClusterEvent>());
                    await response.WriteAsync(Format(json, clusterEvent.Revision), stop.Token).ConfigureAwait(false);
                    await response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The client went away or the server is stopping: the stream simply ends.
            }
            catch (RevisionCompactedException e)
            {
                var json = JsonSerializer.Serialize(new ApiError(e.Message), ApiJson.Info<ApiError>());
                await response.WriteAsync(Format(json, eventName: ErrorEvent), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
