namespace Berth.Agent.Wire;

// The agent does not reference the server (DESIGN.md layers): it declares only the JSON fields of GET /v1/info it
// uses; unknown fields are ignored, so the server can add fields without breaking older agents.

/// <summary>Answer of <c>GET /v1/info</c> (the server's <c>ServerInfo</c>).</summary>
internal sealed record WireServerInfo(string Version, string GrpcAddress);
