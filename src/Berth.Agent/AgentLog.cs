using Microsoft.Extensions.Logging;

namespace Berth.Agent;

/// <summary>The agent's log messages (source-generated), with WorkloadId and NodeId fields.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Started {WorkloadId} replica {Replica} (revision {Revision}), pids {ProcessIds}")]
    public static partial void Started(ILogger logger, string workloadId, int replica, long revision, string processIds);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "{WorkloadId} replica {Replica} exited with {ExitCode}")]
    public static partial void Exited(ILogger logger, string workloadId, int replica, int exitCode);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Stopped {WorkloadId} replica {Replica}")]
    public static partial void Stopped(ILogger logger, string workloadId, int replica);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Could not start {WorkloadId} replica {Replica}: {Error}")]
    public static partial void StartFailed(ILogger logger, string workloadId, int replica, string error);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Registered node {NodeId} with {Server}")]
    public static partial void Registered(ILogger logger, string nodeId, string server);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Agent {NodeId}: {Operation} failed, retrying: {Error}")]
    public static partial void CallFailed(ILogger logger, string nodeId, string operation, string error);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Agent {NodeId}: server {Server} failed ({Error}); next {Next} in {Seconds:0.0} s")]
    public static partial void ServerFailed(ILogger logger, string nodeId, string server, string error, string next, double seconds);
}
