using Microsoft.Extensions.Logging;

namespace Berth.Server.Hosting;

/// <summary>The server host's log messages (source-generated).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Berth API listening on {Address}, data in {DataDirectory}")]
    public static partial void Listening(ILogger logger, string address, string dataDirectory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Control loop pass failed; retrying after {Interval}")]
    public static partial void PassFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Reconciling {WorkloadId} failed; it backs off")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, string workloadId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Store watch ended ({Reason}); every workload is swept and the watch restarts")]
    public static partial void WatchEnded(ILogger logger, string reason);
}
