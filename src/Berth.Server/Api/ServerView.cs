namespace Berth.Server.Api;

/// <summary>One running server of the control plane, as <c>GET /v1/servers</c> lists it.</summary>
/// <param name="Id">The server id.</param>
/// <param name="ApiAddress">Its REST API address.</param>
/// <param name="GrpcAddress">Its gRPC address (agent protocol and public API).</param>
/// <param name="Role"><c>leader</c> (runs the scheduler, applier and reconciler) or <c>follower</c> (serves the API and agents).</param>
/// <param name="StartedAt">When the server started.</param>
public sealed record ServerView(string Id, string ApiAddress, string GrpcAddress, string Role, DateTimeOffset StartedAt);
