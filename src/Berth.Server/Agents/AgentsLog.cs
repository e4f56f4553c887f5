using Microsoft.Extensions.Logging;

namespace Berth.Server.Agents;

/// <summary>The agent protocol's log messages (source-generated).</summary>
internal static partial class AgentsLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "The assignment index lost its store watch ({Error}); reading everything again in {Seconds} s")]
    public static partial void IndexWatchFailed(ILogger logger, string error, double seconds);
}
