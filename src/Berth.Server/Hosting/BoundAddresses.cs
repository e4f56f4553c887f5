namespace Berth.Server.Hosting;

/// <summary>
/// The addresses the server actually bound, known only once Kestrel started (a port 0 becomes a real port); set by
/// <see cref="ServerHost"/> right after start, read by <c>GET /v1/info</c>.
/// </summary>
public sealed class BoundAddresses
{
    /// <summary>The gRPC address (agent protocol and public API), e.g. <c>http://127.0.0.1:7071/</c>; null until the server started.</summary>
    public Uri? Grpc { get; set; }

    /// <summary>The REST API address, e.g. <c>http://127.0.0.1:7070/</c>; null until the server started (agents the local fleet provider starts point here).</summary>
    public Uri? Rest { get; set; }
}
