namespace Berth.Server.Api;

/// <summary>The answer to <c>GET /v1/info</c>: what a client needs before it talks to this server.</summary>
/// <param name="Version">The server's version.</param>
/// <param name="GrpcAddress">Where gRPC (HTTP/2) is served: the agent protocol (proto/agent.proto) and the public API (proto/berth.proto), e.g. <c>http://127.0.0.1:7071/</c>.</param>
public sealed record ServerInfo(string Version, string GrpcAddress);
