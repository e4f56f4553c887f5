using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Security;

/// <summary>
/// Authorization and audit of the public gRPC API (<c>berth.v1.Berth</c>; not the agent protocol): the same checks and
/// messages as REST (<see cref="SecurityMiddleware"/>), with UNAUTHENTICATED for 401 and PERMISSION_DENIED for 403, and an
/// audit entry for each mutating method, allowed or refused.
/// </summary>
public sealed class ApiAccessInterceptor : Interceptor
{
    private readonly AccessControl _access;
    private readonly AuditLog _audit;
    private readonly ILogger<ApiAccessInterceptor> _logger;

    /// <summary>Creates the interceptor.</summary>
    public ApiAccessInterceptor(AccessControl access, AuditLog audit, ILogger<ApiAccessInterceptor> logger)
    {
        _access = access;
        _audit = audit;
        _logger = logger;
    }

    /// <inheritdoc/>
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var access = await AuthorizeAsync(request, context).ConfigureAwait(false);
        return await AuditedAsync(access, context, () => continuation(request, context)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var access = await AuthorizeAsync(request, context).ConfigureAwait(false);
        await AuditedAsync(access, context, async () =>
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    private async Task<GrpcAccess> AuthorizeAsync(object request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var caller = CallerIdentity.Of(http);
        var method = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        var access = GrpcAccess.Of(method, request);
        string? refusal = null;
        var status = StatusCode.Unauthenticated;
        if (SecurityMiddleware.AuthenticationFailure(http) is { } failure)
        {
            refusal = failure;
        }
        else if (caller.IsAnonymous && _access.Mode == AuthorizationMode.Rbac)
        {
            refusal = SecurityMessages.NoCredential;
        }
        else
        {
            status = StatusCode.PermissionDenied;
            if (access.AdminOnly)
            {
                refusal = await _access.CheckAdminAsync(caller, "call", context.Method, context.CancellationToken).ConfigureAwait(false);
            }
            else if (!access.PerDocument)
            {
                refusal = await _access.CheckAsync(caller, access.Verb, access.Kind, access.Namespace, context.CancellationToken).ConfigureAwait(false);
            }
        }
        if (refusal is not null)
        {
            if (access.Mutating)
            {
                await AuditAsync(access, context, status, refusal).ConfigureAwait(false);
            }
            throw new RpcException(new Status(status, refusal));
        }
        return access;
    }

    private async Task<T> AuditedAsync<T>(GrpcAccess access, ServerCallContext context, Func<Task<T>> call)
    {
        if (!access.Mutating)
        {
            return await call().ConfigureAwait(false);
        }
        try
        {
            var answer = await call().ConfigureAwait(false);
            await AuditAsync(access, context, StatusCode.OK, null).ConfigureAwait(false);
            return answer;
        }
        catch (RpcException e)
        {
            await AuditAsync(access, context, e.StatusCode, e.Status.Detail).ConfigureAwait(false);
            throw;
        }
    }

    private Task AuditAsync(GrpcAccess access, ServerCallContext context, StatusCode status, string? reason)
    {
        var http = context.GetHttpContext();
        return SecurityMiddleware.AuditAsync(
            _audit, _logger, http, CallerIdentity.Of(http), access.Verb, access.Kind, access.Namespace, access.Name, context.Method, HttpStatusOf(status), reason);
    }

    /// <summary>The HTTP status a gRPC status corresponds to, so REST and gRPC entries read alike.</summary>
    public static int HttpStatusOf(StatusCode status) => status switch
    {
        StatusCode.OK => 200,
        StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.FailedPrecondition => 400,
        StatusCode.Unauthenticated => 401,
        StatusCode.PermissionDenied => 403,
        StatusCode.NotFound => 404,
        StatusCode.Aborted or StatusCode.AlreadyExists => 409,
        StatusCode.ResourceExhausted => 413,
        StatusCode.Unavailable => 503,
        _ => 500,
    };
}
