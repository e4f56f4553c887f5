using Microsoft.Extensions.Logging;

namespace Berth.Server.Leadership;

/// <summary>The log lines of leader election and the server registry.</summary>
internal static partial class LeadershipLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Server {ServerId} leads (term {Term}, lease {LeaseTtl})")]
    public static partial void Elected(ILogger logger, string serverId, long term, TimeSpan leaseTtl);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Server {ServerId} stepped down from term {Term}: {Reason}")]
    public static partial void SteppedDown(ILogger logger, string serverId, long term, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Server {ServerId} follows leader {LeaderId} (term {Term})")]
    public static partial void Following(ILogger logger, string serverId, string leaderId, long term);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "Leader election of {ServerId} cannot reach the store, trying again in {Delay}: {Problem}")]
    public static partial void CampaignFailed(ILogger logger, string serverId, TimeSpan delay, string problem);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Server {ServerId} resigned from term {Term}")]
    public static partial void Resigned(ILogger logger, string serverId, long term);

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "Server {ServerId} could not renew its registration, trying again: {Problem}")]
    public static partial void RegistrationFailed(ILogger logger, string serverId, string problem);
}
