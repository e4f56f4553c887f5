namespace Berth.Server.Api;

/// <summary>What an agent reports about a replica (<see cref="AgentStatusReport"/>).</summary>
public enum AgentReplicaState
{
    /// <summary>Its processes started.</summary>
    Running,

    /// <summary>Its processes ended (with <see cref="AgentStatusReport.ExitCode"/>).</summary>
    Exited,
}
