using Berth.Core.Specs;

namespace Berth.Server.Security;

/// <summary>
/// What an endpoint needs (endpoint metadata added by <see cref="AccessEndpointExtensions.RequireAccess{TBuilder}"/>):
/// <see cref="Verb"/> on <see cref="Kind"/>, in the namespace of the <c>{ns}</c> route value.
/// </summary>
/// <param name="Verb">One of <see cref="AccessVerbs"/>; <see cref="RoleRule.Wildcard"/> with kind <c>*</c>: admin only.</param>
/// <param name="Kind">One of <see cref="AccessKinds"/>, or <see cref="KindFromRoute"/>.</param>
public sealed record AccessRequirement(string Verb, string Kind)
{
    /// <summary>A kind taken from the <c>{kind}</c> route value (a kind or plural of the object API).</summary>
    public const string KindFromRoute = "{kind}";

    /// <summary>Each document of the request's manifest is authorized by its own kind and namespace, by the operation itself (apply, plan).</summary>
    public bool PerDocument { get; init; }

    /// <summary>
    /// A periodic status report (a region's report to its parent, every few seconds): only refusals are audited. As
    /// Kubernetes' audit policies leave out node status and lease updates, so the log holds changes people and programs
    /// made rather than one entry per heartbeat.
    /// </summary>
    public bool AuditRefusalsOnly { get; init; }

    /// <summary>Any caller that passed authentication (e.g. <c>/v1/whoami</c>).</summary>
    public bool AnyCaller { get; init; }

    /// <summary>What an endpoint that declares nothing needs besides a GET: every verb on every kind, which only admin has.</summary>
    public static AccessRequirement AdminOnly { get; } = new(RoleRule.Wildcard, RoleRule.Wildcard);

    /// <summary>True for <see cref="AdminOnly"/>.</summary>
    public bool IsAdminOnly => Verb == RoleRule.Wildcard && Kind == RoleRule.Wildcard;
}
