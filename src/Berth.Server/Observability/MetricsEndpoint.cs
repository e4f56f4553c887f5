using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Berth.Server.Observability;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format: the server's <see cref="BerthMetrics"/> registry, which holds the
/// <c>berth_*</c> metrics, the HTTP request metrics (<c>http_request_duration_seconds</c>, <c>http_requests_received_total</c>,
/// <c>http_requests_in_progress</c>, labelled by route) and the process metrics.
/// </summary>
public static class MetricsEndpoint
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>
    /// Adds the HTTP request metrics middleware, counting into the <see cref="BerthMetrics"/> registered in the services.
    /// Call after <c>UseRouting</c>, so requests are labelled with their route pattern rather than their raw path.
    /// </summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.ApplicationServices.GetRequiredService<BerthMetrics>();
        return app.UseHttpMetrics(options =>
        {
            options.SetMetricFactory(metrics.Factory);
            // Scrapes every few seconds would otherwise outnumber the API's own requests.
            options.CaptureMetricsUrl = false;
        });
    }

    /// <summary>Maps <see cref="Path"/> onto the <see cref="BerthMetrics"/> registered in the services.</summary>
    public static IEndpointConventionBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.ServiceProvider.GetRequiredService<BerthMetrics>();
        return app.MapMetrics(Path, metrics.Registry);
    }
}
