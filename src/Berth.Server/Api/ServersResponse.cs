namespace Berth.Server.Api;

/// <summary>The answer to <c>GET /v1/servers</c>: the registered servers and who leads.</summary>
/// <param name="Servers">Every registered server, by id.</param>
/// <param name="Leader">The leader's id, or null while none is elected.</param>
/// <param name="Term">The leader's term: the leader key's create revision, which fences its writes (0 while none leads).</param>
public sealed record ServersResponse(ServerView[] Servers, string? Leader, long Term);
