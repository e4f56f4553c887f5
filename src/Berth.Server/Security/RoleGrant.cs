using Berth.Core.Specs;

namespace Berth.Server.Security;

/// <summary>One role a caller holds, and where: from a binding, a token's role, or a built-in group.</summary>
/// <param name="Role">The role's name.</param>
/// <param name="Spec">The role; null when the binding names a role that does not exist (it then allows nothing).</param>
/// <param name="Namespaces">The namespaces the binding restricts the role to; empty: wherever its rules reach.</param>
/// <param name="Via">What gave it: <c>rolebinding/NAME</c>, <c>token</c> or <c>group/system:masters</c>.</param>
public sealed record RoleGrant(string Role, RoleSpec? Spec, IReadOnlyList<string> Namespaces, string Via)
{
    /// <summary>True when the role allows <paramref name="verb"/> on <paramref name="kind"/> in <paramref name="ns"/> within the binding's namespaces.</summary>
    public bool Allows(string verb, string kind, string ns) =>
        Spec is not null && (Namespaces.Count == 0 || ns.Length > 0 && Namespaces.Contains(ns)) && Spec.Allows(verb, kind, ns);

    /// <summary><c>viewer</c>, or <c>developer (in a, b)</c>.</summary>
    public string Describe() =>
        (Spec is null ? $"{Role} (no such role)" : Role) + (Namespaces.Count == 0 ? "" : $" (in {string.Join(", ", Namespaces)})");
}
