using Microsoft.Extensions.Logging;

namespace Berth.Server.Fleet;

/// <summary>The fleet providers' log messages (source-generated).</summary>
internal static partial class FleetLog
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Started agent {Node} of fleet cluster {Cluster} (pid {Pid})")]
    public static partial void AgentStarted(ILogger logger, string node, string cluster, int pid);

    [LoggerMessage(EventId = 901, Level = LogLevel.Information, Message = "Stopped agent {Node} of fleet cluster {Cluster}")]
    public static partial void AgentStopped(ILogger logger, string node, string cluster);

    [LoggerMessage(EventId = 902, Level = LogLevel.Debug, Message = "{Node} | {Line}")]
    public static partial void AgentOutput(ILogger logger, string node, string line);

    [LoggerMessage(EventId = 903, Level = LogLevel.Warning, Message = "Agent {Node} of fleet cluster {Cluster} exited on its own with code {ExitCode}")]
    public static partial void AgentExited(ILogger logger, string node, string cluster, int exitCode);

    [LoggerMessage(EventId = 904, Level = LogLevel.Warning, Message = "Simulated node {Node}: {Error}")]
    public static partial void SimulatedNodeFailed(ILogger logger, string node, string error);
}
