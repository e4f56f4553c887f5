using System.Globalization;
using System.Text.Json;
using Berth.Core.Specs;
using Berth.Server.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using static Berth.Server.Api.ApiJson;

namespace Berth.Server.Security;

/// <summary>
/// The security endpoints: tokens, roles, who the caller is, and the audit log.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>POST /v1/tokens</c></term><description>Body <see cref="TokenRequest"/>; answers the token text once (create tokens).</description></item>
/// <item><term><c>GET /v1/tokens</c></term><description>Every token without its secret (list tokens).</description></item>
/// <item><term><c>POST /v1/tokens/{id}/revoke</c></term><description>Revokes a token (revoke tokens).</description></item>
/// <item><term><c>GET /v1/roles</c></term><description>The built-in and stored roles (list roles).</description></item>
/// <item><term><c>GET /v1/whoami</c></term><description>The caller's name, groups, source and roles (any caller).</description></item>
/// <item><term><c>GET /v1/audit?user=U&amp;since=1h&amp;limit=N</c></term><description>The last audit entries (list audit).</description></item>
/// </list>
/// </remarks>
public static class SecurityApi
{
    /// <summary>Maps the endpoints; needs <see cref="ApiTokens"/>, <see cref="AccessControl"/> and <see cref="AuditLog"/> registered.</summary>
    public static IEndpointRouteBuilder MapSecurityApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/tokens", CreateTokenAsync)
            .WithName("CreateToken").WithTags("Security")
            .WithSummary("Creates a bearer token for a user and groups (and optionally a role); the answer holds the only copy of the token.")
            .Accepts<TokenRequest>("application/json")
            .Produces<CreatedToken>(StatusCodes.Status201Created)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .RequireAccess(AccessVerbs.Create, AccessKinds.Tokens);
        v1.MapGet("/tokens", async (ApiTokens tokens, CancellationToken ct) => Json(await tokens.ListAsync(ct)))
            .WithName("ListTokens").WithTags("Security")
            .WithSummary("Every token, without secrets.")
            .Produces<TokenView[]>(StatusCodes.Status200OK)
            .RequireAccess(AccessVerbs.List, AccessKinds.Tokens);
        v1.MapPost("/tokens/{id}/revoke", async (string id, ApiTokens tokens, CancellationToken ct) =>
                await tokens.RevokeAsync(id, ct) is { } revoked ? Json(revoked) : Error(StatusCodes.Status404NotFound, SecurityMessages.TokenNotFound(id)))
            .WithName("RevokeToken").WithTags("Security")
            .WithSummary("Revokes a token: it is refused from the next request on.")
            .Produces<TokenView>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .RequireAccess(AccessVerbs.Revoke, AccessKinds.Tokens);
        v1.MapGet("/roles", ListRolesAsync)
            .WithName("ListRoles").WithTags("Security")
            .WithSummary("The built-in roles and the applied Roles, with their rules.")
            .Produces<RoleView[]>(StatusCodes.Status200OK)
            .RequireAccess(AccessVerbs.List, AccessKinds.Roles);
        v1.MapGet("/whoami", WhoAmIAsync)
            .WithName("WhoAmI").WithTags("Security")
            .WithSummary("Who the server takes the caller for: name, groups, how it authenticated, and the roles it holds with their rules.")
            .Produces<WhoAmIResponse>(StatusCodes.Status200OK)
            .RequireAnyCaller();
        v1.MapGet("/audit", ListAuditAsync)
            .WithName("ListAudit").WithTags("Security")
            .WithSummary("The audit log's last entries: every mutating call, allowed or refused.")
            .WithQueryParameter("user", JsonSchemaType.String, "Only this user's calls.")
            .WithQueryParameter("since", JsonSchemaType.String, "Only calls this long ago or later (e.g. 90s, 30m, 1h, 7d) or since this time (RFC 3339).")
            .WithQueryParameter("limit", ApiDocument.IntegerSchema, $"At most this many, the latest. Default {AuditLog.DefaultLimit}, at most {AuditLog.MaxLimit}.")
            .Produces<AuditEntry[]>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .RequireAccess(AccessVerbs.List, AccessKinds.Audit);
        return app;
    }

    private static async Task<IResult> CreateTokenAsync(HttpRequest request, ApiTokens tokens, AccessControl access, CancellationToken ct)
    {
        TokenRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, Info<TokenRequest>(), ct);
        }
        catch (JsonException e)
        {
            return Error(StatusCodes.Status400BadRequest, SecurityMessages.BadTokenRequest(e.Message));
        }
        if (body is null)
        {
            return Error(StatusCodes.Status400BadRequest, SecurityMessages.BadTokenRequest("null"));
        }
        if (!string.IsNullOrWhiteSpace(body.Role))
        {
            var policy = await access.PolicyAsync(ct);
            if (policy.Role(body.Role) is null)
            {
                var stored = await RoleViewsAsync(access, ct);
                return Error(StatusCodes.Status400BadRequest, SecurityMessages.UnknownTokenRole(body.Role, stored.Select(r => r.Name)));
            }
        }
        try
        {
            return Json(await tokens.CreateAsync(body, ct), StatusCodes.Status201Created);
        }
        catch (ArgumentException e)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    private static async Task<IResult> ListRolesAsync(AccessControl access, CancellationToken ct) => Json(await RoleViewsAsync(access, ct));

    private static async Task<RoleView[]> RoleViewsAsync(AccessControl access, CancellationToken ct)
    {
        var policy = await access.PolicyAsync(ct);
        var stored = policy.StoredRoles.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new RoleView(r.Name, false, r.Rules));
        return [.. BuiltInRoles.Roles.Select(r => new RoleView(r.Name, true, r.Rules)), .. stored];
    }

    private static async Task<IResult> WhoAmIAsync(HttpContext context, AccessControl access, CancellationToken ct)
    {
        var caller = CallerIdentity.Of(context);
        var grants = await access.GrantsAsync(caller, ct);
        var mode = access.Mode == AuthorizationMode.Rbac ? "rbac" : "open";
        return Json(new WhoAmIResponse(caller.Name, caller.Groups, caller.Source, mode,
            [.. grants.Select(g => new RoleGrantView(g.Role, g.Via, g.Namespaces, g.Spec?.Rules ?? []))]));
    }

    private static async Task<IResult> ListAuditAsync(HttpRequest request, AuditLog audit, CancellationToken ct)
    {
        string? user = request.Query["user"];
        string? sinceText = request.Query["since"];
        string? limitText = request.Query["limit"];
        DateTimeOffset? since = null;
        if (!string.IsNullOrEmpty(sinceText))
        {
            if (TryParseAgo(sinceText, out var ago))
            {
                since = audit.Time.GetUtcNow() - ago;
            }
            else if (DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                since = time;
            }
            else
            {
                return Error(StatusCodes.Status400BadRequest, ApiMessages.InvalidQuery("since", sinceText, "a duration such as 90s, 30m, 1h or 7d, or an RFC 3339 time"));
            }
        }
        int limit = AuditLog.DefaultLimit;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > AuditLog.MaxLimit))
        {
            return Error(StatusCodes.Status400BadRequest, ApiMessages.InvalidQuery("limit", limitText, $"a number from 1 to {AuditLog.MaxLimit}"));
        }
        return Json(await audit.QueryAsync(string.IsNullOrEmpty(user) ? null : user, since, limit, ct));
    }

    /// <summary>A number followed by s, m, h or d.</summary>
    public static bool TryParseAgo(string text, out TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = TimeSpan.Zero;
        if (text.Length < 2)
        {
            return false;
        }
        double unit = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
        if (unit == 0 || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number) || number <= 0 || number > 36500)
        {
            return false;
        }
        value = TimeSpan.FromSeconds(number * unit);
        return true;
    }
}
