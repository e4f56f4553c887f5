using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Server.Security;

/// <summary>
/// The roles every cluster has (not stored, not deletable, listed by <c>berth get roles</c>): admin, operator, viewer,
/// developer; and <c>system:server</c>, bound to the group of server certificates so a region can report to its parent.
/// </summary>
public static class BuiltInRoles
{
    private static readonly string[] All = [RoleRule.Wildcard];

    /// <summary>Everything.</summary>
    public static RoleSpec Admin { get; } = new("admin", [new RoleRule(All, All, All)]);

    /// <summary>Every verb on every kind except the security ones (roles, bindings, tokens, bootstrap tokens).</summary>
    public static RoleSpec Operator { get; } = new("operator",
    [
        new RoleRule(All, [.. AccessKinds.All.Except([AccessKinds.Roles, AccessKinds.RoleBindings, AccessKinds.Tokens, AccessKinds.BootstrapTokens])], All),
    ]);

    /// <summary>Read-only: get, list and watch on every kind except tokens and the audit log.</summary>
    public static RoleSpec Viewer { get; } = new("viewer",
    [
        new RoleRule(AccessVerbs.ReadOnly, [.. AccessKinds.All.Except([AccessKinds.Tokens, AccessKinds.Audit])], All),
    ]);

    /// <summary>Every verb on the namespaced kinds (workloads, quotas, reservations, logs, events); meant to be bound with namespaces.</summary>
    public static RoleSpec Developer { get; } = new("developer",
    [
        new RoleRule(All, [AccessKinds.Workloads, AccessKinds.Quotas, AccessKinds.Reservations, AccessKinds.Logs, AccessKinds.Events], All),
    ]);

    /// <summary>What a server certificate may do on another server: report a region, pass work up or down.</summary>
    public static RoleSpec Server { get; } = new("system:server",
    [
        new RoleRule([AccessVerbs.Create, AccessVerbs.Get, AccessVerbs.List], [AccessKinds.Regions], All),
    ]);

    /// <summary>Every built-in role, in the order <c>berth get roles</c> lists them.</summary>
    public static IReadOnlyList<RoleSpec> Roles { get; } = [Admin, Operator, Viewer, Developer, Server];

    /// <summary>The built-in role named <paramref name="name"/>, or null.</summary>
    public static RoleSpec? Find(string name) => Roles.FirstOrDefault(r => r.Name == name);

    /// <summary>True when <paramref name="name"/> is a built-in role's name (a stored Role may not take it).</summary>
    public static bool IsBuiltIn(string name) => Find(name) is not null || RoleManifestReader.BuiltInNames.Contains(name);
}
