namespace Berth.Server.Agents;

/// <summary>Why <see cref="AgentOperations"/> refused a call; each transport maps it to its own status.</summary>
public enum AgentFault
{
    /// <summary>A field is malformed; the message names it. Calling again with the same input fails again.</summary>
    InvalidArgument,

    /// <summary>The node is not registered: the agent should register, then call again.</summary>
    UnknownNode,

    /// <summary>Concurrent writes kept winning; nothing was written. Calling again may succeed.</summary>
    Conflict,
}
