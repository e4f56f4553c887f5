using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Server.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Berth.Server.Security;

/// <summary>
/// The REST endpoints of node bootstrapping: <c>POST /v1/bootstraptokens</c> (an operator makes a one-time token),
/// <c>POST /v1/nodes/join</c> (public: a new agent trades the token and a signing request for its certificate) and
/// <c>POST /v1/nodes/{name}/certificate</c> (a node renews, authenticated by its current certificate). REST only: an
/// agent has no certificate for gRPC until it joined.
/// </summary>
public static class NodeBootstrapApi
{
    /// <summary>Maps the endpoints; needs <see cref="BootstrapTokens"/> and <see cref="NodeCertificates"/> registered.</summary>
    public static IEndpointRouteBuilder MapNodeBootstrapApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/v1/bootstraptokens", CreateTokenAsync)
            .RequireAccess(Berth.Core.Specs.AccessVerbs.Create, Berth.Core.Specs.AccessKinds.BootstrapTokens)
            .WithName("CreateBootstrapToken").WithTags("Security")
            .WithSummary("Creates a one-time bootstrap token for one node join (stored hashed, expires after ttlSeconds, default one hour); the answer is the only time the token is shown.")
            .Accepts<BootstrapTokenRequest>("application/json")
            .Produces<BootstrapTokenCreated>(StatusCodes.Status201Created)
            .Produces<ApiError>(StatusCodes.Status400BadRequest);
        // Public: a joining agent has no credential yet; the bootstrap token in the body is checked by the handler.
        app.MapPost("/v1/nodes/join", JoinAsync)
            .AllowAnonymous()
            .WithName("JoinNode").WithTags("Security")
            .WithSummary("A new node trades a bootstrap token and a PKCS#10 signing request for its certificate (CN system:node:{name}) and the CA certificate.")
            .Accepts<NodeJoinRequest>("application/json")
            .Produces<NodeCertificateIssued>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        // Authenticated by the node's own client certificate, checked by the handler against the name in the path.
        app.MapPost("/v1/nodes/{name}/certificate", RenewAsync)
            .AllowAnonymous()
            .WithName("RenewNodeCertificate").WithTags("Security")
            .WithSummary("A node presenting its current certificate gets a new one for the key of a PKCS#10 signing request.")
            .Accepts<NodeCertificateRequest>("application/json")
            .Produces<NodeCertificateIssued>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ApiError>(StatusCodes.Status403Forbidden)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> CreateTokenAsync(HttpRequest request, BootstrapTokens tokens, CancellationToken ct)
    {
        BootstrapTokenRequest? body = new();
        if (request.ContentLength is not 0)
        {
            var (read, error) = await ReadAsync(request, SecurityJsonContext.Default.BootstrapTokenRequest, ct);
            if (error is not null)
            {
                return error;
            }
            body = read ?? body;
        }
        var ttl = BootstrapTokens.DefaultTtl;
        if (body.TtlSeconds is { } seconds)
        {
            if (!double.IsFinite(seconds) || seconds <= 0 || seconds > BootstrapTokens.MaxTtl.TotalSeconds)
            {
                return ApiJson.Error(StatusCodes.Status400BadRequest, TlsMessages.BadTokenTtl($"{seconds}s", BootstrapTokens.MaxTtl));
            }
            ttl = TimeSpan.FromSeconds(seconds);
        }
        var (token, record) = await tokens.CreateAsync(ttl, ct);
        return Results.Json(new BootstrapTokenCreated(token, record.ExpiresAt), SecurityJsonContext.Default.BootstrapTokenCreated, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> JoinAsync(HttpRequest request, NodeCertificates certificates, CancellationToken ct)
    {
        var (body, error) = await ReadAsync(request, SecurityJsonContext.Default.NodeJoinRequest, ct);
        if (error is not null)
        {
            return error;
        }
        try
        {
            return Results.Json(await certificates.JoinAsync(body!, ct), SecurityJsonContext.Default.NodeCertificateIssued);
        }
        catch (NodeCertificateException e)
        {
            return ApiJson.Error(e.Status, e.Message);
        }
    }

    private static async Task<IResult> RenewAsync(string name, HttpContext context, NodeCertificates certificates, CancellationToken ct)
    {
        var (body, error) = await ReadAsync(context.Request, SecurityJsonContext.Default.NodeCertificateRequest, ct);
        if (error is not null)
        {
            return error;
        }
        try
        {
            var client = await context.Connection.GetClientCertificateAsync(ct);
            return Results.Json(certificates.Renew(name, body!, client), SecurityJsonContext.Default.NodeCertificateIssued);
        }
        catch (NodeCertificateException e)
        {
            return ApiJson.Error(e.Status, e.Message);
        }
    }

    private static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> info, CancellationToken ct) where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync(request.Body, info, ct);
            return body is null ? (null, ApiJson.Error(StatusCodes.Status400BadRequest, TlsMessages.BadBody(typeof(T).Name, "empty body"))) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, ApiJson.Error(StatusCodes.Status400BadRequest, TlsMessages.BadBody(typeof(T).Name, e.Message)));
        }
    }
}
