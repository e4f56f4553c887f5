using Berth.Core.Specs;

namespace Berth.Server.Security;

/// <summary>A role as <c>GET /v1/roles</c> lists it.</summary>
/// <param name="Name">The role's name.</param>
/// <param name="BuiltIn">True for the built-in roles (not stored, not deletable).</param>
/// <param name="Rules">What it allows.</param>
public sealed record RoleView(string Name, bool BuiltIn, IReadOnlyList<RoleRule> Rules);
