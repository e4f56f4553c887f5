namespace Berth.Server.Security;

/// <summary>The answer of <c>GET /v1/whoami</c>: who the server takes the caller for, and what it may do.</summary>
/// <param name="Name">The caller's name.</param>
/// <param name="Groups">The caller's groups.</param>
/// <param name="Source">token, certificate or anonymous.</param>
/// <param name="Mode">The server's authorization mode, open or rbac.</param>
/// <param name="Roles">The roles the caller holds.</param>
public sealed record WhoAmIResponse(string Name, IReadOnlyList<string> Groups, string Source, string Mode, IReadOnlyList<RoleGrantView> Roles);
