using Microsoft.Extensions.Logging;

namespace Berth.Server.Automation;

/// <summary>The automation rules' log lines.</summary>
internal static partial class AutomationLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Rule {Rule} fired for {Subject} (episode {Episode}): {Seen}")]
    public static partial void Fired(ILogger logger, string rule, string subject, int episode, string seen);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Rule pass failed; the next pass tries again")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Rule {Rule} could not cordon node {Node}: {Problem}")]
    public static partial void CordonFailed(ILogger logger, string rule, string node, string problem);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Webhook delivery {Delivery} attempt {Attempt} to {Url}: {Outcome}")]
    public static partial void Attempted(ILogger logger, string delivery, int attempt, string url, string outcome);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Webhook dispatch failed; it tries again")]
    public static partial void DispatchFailed(ILogger logger, Exception exception);
}
