namespace Berth.Server.Agents;

/// <summary>An agent call that <see cref="AgentOperations"/> refused; nothing was written.</summary>
/// <param name="fault">Why, for the transport's status code.</param>
/// <param name="message">What failed and how to fix it (one of <see cref="Api.AgentMessages"/>).</param>
public sealed class AgentRequestException(AgentFault fault, string message) : Exception(message)
{
    /// <summary>Why the call was refused.</summary>
    public AgentFault Fault { get; } = fault;
}
