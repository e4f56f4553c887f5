namespace Berth.Server.Leadership;

/// <summary>One running server as it registers itself at <c>/servers/{id}</c>, under its own lease (gone when it stops or dies).</summary>
/// <param name="Id">The server id (<c>--server-id</c>).</param>
/// <param name="ApiAddress">Its REST API address, e.g. <c>http://127.0.0.1:7070/</c>.</param>
/// <param name="GrpcAddress">Its gRPC address (agent protocol and public API).</param>
/// <param name="StartedAt">When the server started.</param>
public sealed record ServerRecord(string Id, string ApiAddress, string GrpcAddress, DateTimeOffset StartedAt);
