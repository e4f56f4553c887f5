using System.Reflection;
using Berth.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Berth.Server.Api;

/// <summary>
/// <c>GET /v1/info</c> (<see cref="ServerInfo"/>): the server's version and its gRPC address. <c>berth agent --server
/// URL</c> takes the REST address people know, asks here once, then speaks gRPC to the address answered.
/// </summary>
public static class InfoApi
{
    /// <summary>The version <c>/v1/info</c> reports: the server assembly's informational version.</summary>
    public static string Version { get; } =
        typeof(InfoApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(InfoApi).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>Maps <c>GET /v1/info</c>; needs <see cref="BoundAddresses"/> registered.</summary>
    public static IEndpointRouteBuilder MapInfoApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/v1/info", (BoundAddresses addresses) => addresses.Grpc is { } grpc
            ? ApiJson.Json(new ServerInfo(Version, grpc.ToString()))
            : ApiJson.Error(StatusCodes.Status503ServiceUnavailable, ApiMessages.StillStarting))
            .WithName("GetServerInfo").WithTags("Server")
            .WithSummary("The server's version and the address of its gRPC endpoint (agent protocol and public API), which agents ask for before they register.")
            .Produces<ServerInfo>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
