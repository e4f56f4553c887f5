namespace Berth.Agent.Wire;

// The JSON of the server's agent API (Berth.Server.Api.AgentApi), as the agent reads and writes it. The agent does not
// reference the server (DESIGN.md layers), so it declares only the fields it uses; unknown fields are ignored, which
// lets the server add fields without breaking older agents.

/// <summary>Body of <c>POST /v1/agents/register</c>.</summary>
internal sealed record WireRegistration(string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Allocatable);

/// <summary>Answer of <c>GET /v1/agents/{node}/assignments</c>.</summary>
internal sealed record WireAssignments(string Node, long Revision, IReadOnlyList<WireAssignment> Assignments);

/// <summary>One assignment with its workload.</summary>
internal sealed record WireAssignment(string Key, long Revision, WireAssignmentBody Assignment, WireWorkload Workload, long WorkloadRevision);

/// <summary>The stored assignment's fields the agent uses.</summary>
internal sealed record WireAssignmentBody(string Workload, int Replica, string Node, string State);

/// <summary>The workload spec's fields the agent uses.</summary>
internal sealed record WireWorkload(IReadOnlyList<WireContainer> Containers);

/// <summary>One container of the workload spec.</summary>
internal sealed record WireContainer(
    string Name,
    IReadOnlyList<string> Command,
    IReadOnlyList<string>? Args,
    IReadOnlyDictionary<string, string>? Env,
    string? WorkingDir);

/// <summary>Body of <c>POST /v1/agents/{node}/status</c>.</summary>
internal sealed record WireStatusReport(string Workload, int Replica, string State, int? ExitCode, string? LogTail, long? WorkloadRevision);

/// <summary>Answer of <c>/status</c> and <c>/heartbeat</c>.</summary>
internal sealed record WireStatusResponse(string Outcome, long Revision);

/// <summary>An error answer.</summary>
internal sealed record WireError(string Error);
