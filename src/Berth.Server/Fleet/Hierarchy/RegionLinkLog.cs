using Microsoft.Extensions.Logging;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>The region link's log lines.</summary>
internal static partial class RegionLinkLog
{
    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Region {Region} reports to parent {Parent}")]
    public static partial void Connected(ILogger logger, string region, string parent);

    [LoggerMessage(EventId = 611, Level = LogLevel.Warning, Message = "Region {Region} is cut off from parent {Parent}: {Problem}")]
    public static partial void CutOff(ILogger logger, string region, string parent, string problem);

    [LoggerMessage(EventId = 612, Level = LogLevel.Debug, Message = "Report of region {Region} to parent {Parent} failed: {Problem}")]
    public static partial void ReportFailed(ILogger logger, string region, string parent, string problem);

    [LoggerMessage(EventId = 613, Level = LogLevel.Warning, Message = "Re-evaluating pending fleet workloads after the parent reconnected failed")]
    public static partial void ReconnectHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 614, Level = LogLevel.Warning, Message = "Checking child regions for silence failed; retrying next interval")]
    public static partial void WatchFailed(ILogger logger, Exception exception);
}
