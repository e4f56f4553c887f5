using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Store;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Security;

/// <summary>Registers and wires authentication, authorization and the audit log into a server.</summary>
public static class SecurityServices
{
    /// <summary>The mode in force: <see cref="ServerOptions.Authorization"/>, else rbac with TLS and open without.</summary>
    public static AuthorizationMode ModeOf(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Authorization ?? (options.TlsConfigured ? AuthorizationMode.Rbac : AuthorizationMode.Open);
    }

    /// <summary>Registers <see cref="ApiTokens"/>, <see cref="AccessControl"/>, <see cref="AuditLog"/> with its <see cref="AuditRetentionService"/>, and the gRPC interceptor.</summary>
    public static IServiceCollection AddBerthSecurity(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var mode = ModeOf(options);
        services.AddHttpContextAccessor();
        services.AddSingleton(sp => new ApiTokens(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AccessControl(sp.GetRequiredService<IKeyValueStore>(), mode));
        services.AddSingleton(sp => new AuditLog(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ApiAccessInterceptor>();
        if (options.AuditRetention > TimeSpan.Zero)
        {
            services.AddHostedService<AuditRetentionService>();
        }
        // Configured directly: a second AddServiceOptions would register the global-options setup again and undo the host's
        // per-service settings (its message size limit).
        services.Configure<GrpcServiceOptions<Api.Grpc.BerthGrpcService>>(grpc => grpc.Interceptors.Add<ApiAccessInterceptor>());
        return services;
    }

    /// <summary>
    /// Adds <see cref="SecurityMiddleware"/> (after routing, before the endpoints) and makes apply and plan authorize each
    /// manifest document by its kind and namespace before anything is written.
    /// </summary>
    public static WebApplication UseBerthSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var access = app.Services.GetRequiredService<AccessControl>();
        var accessor = app.Services.GetRequiredService<IHttpContextAccessor>();
        // Once started: a server that fails to start prints only its one-line error.
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecurityServices));
        app.Lifetime.ApplicationStarted.Register(() => SecurityLog.Mode(logger, access.Mode));
        app.Services.GetRequiredService<ApiOperations>().ManifestAccess = async (verb, workloads, objects, cancellationToken) =>
        {
            // Without a request (an in-process call) there is no caller to refuse.
            if (accessor.HttpContext is not { } context)
            {
                return;
            }
            var targets = new List<ManifestTarget>(workloads.Count + objects.Count);
            targets.AddRange(workloads.Select(w => new ManifestTarget(AccessKinds.Workloads, w.Namespace, w.Name)));
            targets.AddRange(objects.Select(o => new ManifestTarget(o.Kind.Plural, o.Namespace, o.Name)));
            SecurityMiddleware.RecordTargets(context, targets);
            if (await access.CheckManifestAsync(CallerIdentity.Of(context), verb, targets, cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                SecurityMiddleware.RecordRefusal(context, refusal);
                throw new ApiRequestException(ApiFault.Forbidden, refusal);
            }
        };
        app.UseMiddleware<SecurityMiddleware>();
        return app;
    }
}
