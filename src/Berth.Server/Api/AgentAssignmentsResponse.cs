namespace Berth.Server.Api;

/// <summary>A node's desired state (<see cref="Agents.AgentOperations.AssignmentsAsync"/>), sent to its agent as an AssignmentSet.</summary>
/// <param name="Node">The node.</param>
/// <param name="Revision">The store revision the answer was read at.</param>
/// <param name="Assignments">Every assignment on the node whose workload still exists, in key order.</param>
public sealed record AgentAssignmentsResponse(string Node, long Revision, IReadOnlyList<AgentAssignment> Assignments);
