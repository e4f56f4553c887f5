using System.Security.Cryptography.X509Certificates;
using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.State;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Security;

/// <summary>
/// Authentication, REST authorization and the REST half of the audit log, in one middleware after routing (so the
/// endpoint's <see cref="AccessRequirement"/> is known) and before the endpoints. gRPC calls are only authenticated here;
/// <see cref="ApiAccessInterceptor"/> authorizes and audits the public gRPC API, and the agent protocol is left to the
/// node authorizer.
/// </summary>
public sealed class SecurityMiddleware
{
    /// <summary>Paths anyone may call without a credential (besides endpoints marked <see cref="IAllowAnonymous"/>).</summary>
    public static IReadOnlyList<string> PublicPaths { get; } = ["/healthz", "/readyz", "/v1/info", "/v1/nodes/join", "/"];

    /// <summary>Path prefixes anyone may GET: the dashboard's static files and the API description.</summary>
    public static IReadOnlyList<string> PublicPrefixes { get; } = ["/ui/", "/openapi/"];

    private static readonly object FailureKey = new();
    private static readonly object TargetsKey = new();
    private static readonly object RefusalKey = new();

    private readonly RequestDelegate _next;
    private readonly ApiTokens _tokens;
    private readonly AccessControl _access;
    private readonly AuditLog _audit;
    private readonly ILogger<SecurityMiddleware> _logger;

    /// <summary>Creates the middleware.</summary>
    public SecurityMiddleware(RequestDelegate next, ApiTokens tokens, AccessControl access, AuditLog audit, ILogger<SecurityMiddleware> logger)
    {
        _next = next;
        _tokens = tokens;
        _access = access;
        _audit = audit;
        _logger = logger;
    }

    /// <summary>Why the request's credential was refused (a 401 message), or null; gRPC calls carry it to <see cref="ApiAccessInterceptor"/>.</summary>
    public static string? AuthenticationFailure(HttpContext context) =>
        context.Items.TryGetValue(FailureKey, out var value) ? value as string : null;

    /// <summary>Records the documents a manifest request acted on, for its audit entry.</summary>
    public static void RecordTargets(HttpContext context, IReadOnlyList<ManifestTarget> targets) => context.Items[TargetsKey] = targets;

    /// <summary>Records why the operation refused the request (a manifest document the caller may not touch), for its audit entry.</summary>
    public static void RecordRefusal(HttpContext context, string refusal) => context.Items[RefusalKey] = refusal;

    /// <summary>The refusal recorded by <see cref="RecordRefusal"/>, or null.</summary>
    public static string? Refusal(HttpContext context) => context.Items.TryGetValue(RefusalKey, out var value) ? value as string : null;

    /// <summary>The documents recorded by <see cref="RecordTargets"/>, or null.</summary>
    public static IReadOnlyList<ManifestTarget>? Targets(HttpContext context) =>
        context.Items.TryGetValue(TargetsKey, out var value) ? value as IReadOnlyList<ManifestTarget> : null;

    /// <summary>Authenticates, authorizes, calls the endpoint and audits a mutating call.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var (caller, failure) = await AuthenticateAsync(context).ConfigureAwait(false);
        caller.AttachTo(context);
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null)
        {
            // The public gRPC API is authorized by its interceptor (it knows the message); the agent protocol by the node authorizer.
            if (failure is not null)
            {
                context.Items[FailureKey] = failure;
            }
            await _next(context).ConfigureAwait(false);
            return;
        }
        var path = context.Request.Path.Value ?? "/";
        bool mutating = !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method);
        var requirement = endpoint?.Metadata.GetMetadata<AccessRequirement>();
        var (verb, kind) = Describe(context, requirement, path);
        var ns = context.GetRouteValue("ns") as string ?? "";
        if (IsPublic(context, endpoint, path))
        {
            await CallAsync(context, mutating, requirement, caller, verb, kind, ns).ConfigureAwait(false);
            return;
        }
        if (failure is not null)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, failure, mutating, caller, verb, kind, ns).ConfigureAwait(false);
            return;
        }
        if (caller.IsAnonymous && _access.Mode == AuthorizationMode.Rbac)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, SecurityMessages.NoCredential, mutating, caller, verb, kind, ns).ConfigureAwait(false);
            return;
        }
        string? refusal;
        if (endpoint is not RouteEndpoint || requirement is { AnyCaller: true } or { PerDocument: true })
        {
            // No route: the answer is a 404, 405 or 415 (routing's rejection endpoints) that reveals nothing. Per document:
            // the operation checks each one.
            refusal = null;
        }
        else if (requirement is null && !HttpMethods.IsGet(context.Request.Method))
        {
            refusal = await _access.CheckAdminAsync(caller, context.Request.Method, path, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            refusal = await _access.CheckAsync(caller, verb, kind, ns, context.RequestAborted).ConfigureAwait(false);
        }
        if (refusal is not null)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, refusal, mutating, caller, verb, kind, ns).ConfigureAwait(false);
            return;
        }
        await CallAsync(context, mutating, requirement, caller, verb, kind, ns).ConfigureAwait(false);
    }

    private async Task CallAsync(HttpContext context, bool mutating, AccessRequirement? requirement, CallerIdentity caller, string verb, string kind, string ns)
    {
        if (!mutating)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            if (requirement is not { AuditRefusalsOnly: true } || context.Response.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
            {
                await AuditAsync(context, caller, verb, kind, ns, context.Response.StatusCode, Refusal(context)).ConfigureAwait(false);
            }
        }
    }

    private async Task RefuseAsync(HttpContext context, int status, string message, bool mutating, CallerIdentity caller, string verb, string kind, string ns)
    {
        if (mutating)
        {
            await AuditAsync(context, caller, verb, kind, ns, status, message).ConfigureAwait(false);
        }
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        await ApiJson.Error(status, message).ExecuteAsync(context).ConfigureAwait(false);
    }

    private Task AuditAsync(HttpContext context, CallerIdentity caller, string verb, string kind, string ns, int status, string? reason) =>
        AuditAsync(
            _audit, _logger, context, caller, verb, kind, ns,
            context.GetRouteValue("name") as string ?? context.GetRouteValue("id") as string ?? "",
            $"{context.Request.Method} {context.Request.Path}", status, reason);

    /// <summary>
    /// Appends the audit entry of a call (REST or gRPC): the documents recorded by <see cref="RecordTargets"/>, when there
    /// are any, stand for <paramref name="kind"/>, <paramref name="ns"/> and <paramref name="name"/>. A store failure is
    /// logged rather than failing a call that already happened.
    /// </summary>
    internal static async Task AuditAsync(
        AuditLog audit, ILogger logger, HttpContext context, CallerIdentity caller, string verb, string kind, string ns, string name, string route, int status, string? reason)
    {
        if (Targets(context) is { Count: > 0 } targets)
        {
            kind = string.Join(",", targets.Select(t => t.Kind).Distinct());
            ns = string.Join(",", targets.Select(t => t.Namespace).Where(n => n.Length > 0).Distinct());
            name = string.Join(",", targets.Select(t => t.Namespace.Length == 0 ? t.Name : $"{t.Namespace}/{t.Name}"));
        }
        var entry = new AuditEntry(audit.Time.GetUtcNow(), caller.Name, caller.Groups, caller.Source, verb, kind, ns, name, route, status, AuditEntry.OutcomeOf(status), reason);
        try
        {
            // Not the request's token: the call happened, so its record is written even if the client went away.
            await audit.AppendAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Berth.Store.StoreException e)
        {
            SecurityLog.AuditWriteFailed(logger, e, entry.Route, entry.User);
        }
    }

    /// <summary>The caller from a bearer token or a client certificate, or anonymous; a refusal message when a token is bad.</summary>
    private async Task<(CallerIdentity Caller, string? Failure)> AuthenticateAsync(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (!string.IsNullOrEmpty(header))
        {
            const string bearer = "Bearer ";
            if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
            {
                return (CallerIdentity.Anonymous, SecurityMessages.NotBearer);
            }
            var check = await _tokens.CheckAsync(header[bearer.Length..].Trim(), context.RequestAborted).ConfigureAwait(false);
            return check.Caller is { } fromToken ? (fromToken, null) : (CallerIdentity.Anonymous, check.Refusal);
        }
        // Kestrel validated the certificate against the cluster's CA during the handshake; here it only names the caller.
        if (context.Connection.ClientCertificate is { } certificate)
        {
            return (FromCertificate(certificate), null);
        }
        return (CallerIdentity.Anonymous, null);
    }

    /// <summary>CN → name, each O → a group.</summary>
    public static CallerIdentity FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        var groups = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            // 2.5.4.10: organizationName.
            if (rdn.GetSingleElementType().Value == "2.5.4.10" && rdn.GetSingleElementValue() is { Length: > 0 } organisation)
            {
                groups.Add(organisation);
            }
        }
        return new CallerIdentity(name, groups, IdentitySources.Certificate);
    }

    private static bool IsPublic(HttpContext context, Microsoft.AspNetCore.Http.Endpoint? endpoint, string path)
    {
        if (endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is not null || PublicPaths.Contains(path))
        {
            return true;
        }
        return (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            && PublicPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal));
    }

    /// <summary>The verb and kind an endpoint needs: declared, or for an undeclared GET <c>get</c> on the first segment after <c>/v1</c>.</summary>
    private static (string Verb, string Kind) Describe(HttpContext context, AccessRequirement? requirement, string path)
    {
        if (requirement is { AnyCaller: false, PerDocument: false })
        {
            var kind = requirement.Kind;
            if (kind == AccessRequirement.KindFromRoute)
            {
                var named = context.GetRouteValue("kind") as string ?? "";
                kind = ObjectKinds.Find(named)?.Plural ?? named.ToLowerInvariant();
            }
            // Following a stream is watching it, whatever the endpoint's listing needs.
            var verbNeeded = requirement.Verb is AccessVerbs.List or AccessVerbs.Get && string.Equals(context.Request.Query["follow"], "true", StringComparison.OrdinalIgnoreCase)
                ? AccessVerbs.Watch
                : requirement.Verb;
            return (verbNeeded, kind);
        }
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var first = segments.Length > 1 && segments[0] == "v1" ? segments[1] : segments.Length > 0 ? segments[0] : "";
        var verb = requirement is { PerDocument: true } ? requirement.Verb
            : HttpMethods.IsGet(context.Request.Method) ? AccessVerbs.Get
            : context.Request.Method.ToLowerInvariant();
        return (verb, first);
    }
}
