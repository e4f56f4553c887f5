using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Observability;

/// <summary>
/// Gives every HTTP request (REST and gRPC) a correlation id: the caller's <see cref="CorrelationScope.Header"/> when it
/// is usable, otherwise a fresh one; returns it in the response's header and logs the request's lines, and its
/// completion, under it.
/// </summary>
public static class RequestCorrelation
{
    /// <summary>The log category of the request completion lines.</summary>
    public const string LogCategory = "Berth.Server.Requests";

    /// <summary>Adds the correlation middleware; call first, so every later middleware logs under the request's id.</summary>
    public static IApplicationBuilder UseRequestCorrelation(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
        return app.Use(async (context, next) =>
        {
            string? given = context.Request.Headers[CorrelationScope.Header];
            string id = CorrelationScope.IsUsable(given) ? given! : CorrelationScope.NewId();
            context.Response.Headers[CorrelationScope.Header] = id;
            using var scope = CorrelationScope.BeginRequest(logger, id);
            long start = Stopwatch.GetTimestamp();
            await next(context).ConfigureAwait(false);
            // Agents' heartbeats and status reports (gRPC) and reads would drown the log: only changes made through the
            // REST API are logged at Information.
            var level = Changes(context.Request) ? LogLevel.Information : LogLevel.Debug;
            if (logger.IsEnabled(level))
            {
                string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
                ObservabilityLog.RequestCompleted(logger, level, context.Request.Method, route, context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        });
    }

    private static bool Changes(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
        && !(request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) ?? false);
}
