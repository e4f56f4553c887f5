using Microsoft.Extensions.Logging;

namespace Berth.Server.Observability;

/// <summary>The request log messages (source-generated).</summary>
internal static partial class ObservabilityLog
{
    [LoggerMessage(EventId = 1700, Message = "{Method} {Route} answered {StatusCode} in {ElapsedMs:0.0} ms")]
    public static partial void RequestCompleted(ILogger logger, LogLevel level, string method, string route, int statusCode, double elapsedMs);
}
