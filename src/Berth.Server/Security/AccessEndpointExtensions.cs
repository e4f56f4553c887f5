using Microsoft.AspNetCore.Builder;

namespace Berth.Server.Security;

/// <summary>How an endpoint declares the access it needs (<see cref="AccessRequirement"/>), read by <see cref="SecurityMiddleware"/>.</summary>
public static class AccessEndpointExtensions
{
    /// <summary>
    /// The endpoint needs <paramref name="verb"/> on <paramref name="kind"/>, in the namespace of its <c>{ns}</c> route
    /// value (cluster-wide without one). An endpoint that declares nothing needs <c>get</c> on its first path segment
    /// after <c>/v1</c> for a GET, and admin for anything else.
    /// </summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, string verb, string kind)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new AccessRequirement(verb, kind));
    }

    /// <summary>The endpoint takes a manifest whose documents are each authorized for <paramref name="verb"/> by their kind and namespace, before anything is written.</summary>
    public static TBuilder RequireManifestAccess<TBuilder>(this TBuilder builder, string verb)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new AccessRequirement(verb, Berth.Core.Specs.RoleRule.Wildcard) { PerDocument = true });
    }

    /// <summary>Any authenticated caller may call the endpoint (in open mode, anyone).</summary>
    public static TBuilder RequireAnyCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new AccessRequirement("", "") { AnyCaller = true });
    }

    /// <summary>
    /// The endpoint is a periodic status report needing <paramref name="verb"/> on <paramref name="kind"/>, as with
    /// <see cref="RequireAccess{TBuilder}"/>, whose allowed calls are not audited (<see cref="AccessRequirement.AuditRefusalsOnly"/>).
    /// </summary>
    public static TBuilder RequireReportAccess<TBuilder>(this TBuilder builder, string verb, string kind)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new AccessRequirement(verb, kind) { AuditRefusalsOnly = true });
    }
}
