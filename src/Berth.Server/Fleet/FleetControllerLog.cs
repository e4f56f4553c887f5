using Microsoft.Extensions.Logging;

namespace Berth.Server.Fleet;

/// <summary>The fleet controller's log messages (source-generated).</summary>
internal static partial class FleetControllerLog
{
    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Fleet workload {WorkloadId} placed: {Shares}, {HourlyCost}/h")]
    public static partial void Placed(ILogger logger, string workloadId, string shares, decimal hourlyCost);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "Fleet workload {WorkloadId} could not be placed")]
    public static partial void PlacementFailed(ILogger logger, Exception exception, string workloadId);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Warning, Message = "Fleet control pass failed")]
    public static partial void PassFailed(ILogger logger, Exception exception);
}
