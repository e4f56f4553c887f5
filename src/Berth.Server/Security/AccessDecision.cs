namespace Berth.Server.Security;

/// <summary>The answer of <see cref="AccessPolicy.Decide"/>: allowed or not, and the roles the caller holds (named in a 403).</summary>
/// <param name="Allowed">True when some grant allows the request.</param>
/// <param name="Grants">Every role the caller holds.</param>
public sealed record AccessDecision(bool Allowed, IReadOnlyList<RoleGrant> Grants);
