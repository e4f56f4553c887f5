using Berth.Core.Specs;

namespace Berth.Server.Security;

/// <summary>
/// Role evaluation over a fixed set of roles and bindings (read from the store per request by <see cref="AccessControl"/>):
/// the roles a caller holds and whether one allows a verb on a kind in a namespace. Pure, so tests build it directly.
/// </summary>
/// <remarks>
/// A caller holds: every role bound to its name or one of its groups (restricted to the binding's namespaces, if any),
/// the role its token was created with, admin when it is in <see cref="CallerIdentity.MastersGroup"/>, and
/// <see cref="BuiltInRoles.Server"/> when it is in <see cref="CallerIdentity.ServersGroup"/>. A request is allowed when any
/// of them allows it; nothing ever denies. Cluster-wide requests (an empty namespace: cluster-wide kinds, and lists across
/// namespaces) are reached only by unrestricted grants whose rules name <c>*</c> namespaces.
/// </remarks>
public sealed class AccessPolicy
{
    private readonly IReadOnlyList<RoleSpec> _roles;
    private readonly IReadOnlyList<RoleBindingSpec> _bindings;

    /// <summary>Creates the policy over the stored roles (the built-ins are added) and bindings.</summary>
    public AccessPolicy(IReadOnlyList<RoleSpec> roles, IReadOnlyList<RoleBindingSpec> bindings)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(bindings);
        _roles = roles;
        _bindings = bindings;
    }

    /// <summary>The stored roles (without the built-ins).</summary>
    public IReadOnlyList<RoleSpec> StoredRoles => _roles;

    /// <summary>A policy with only the built-in roles and no bindings.</summary>
    public static AccessPolicy BuiltInOnly { get; } = new([], []);

    /// <summary>The role named <paramref name="name"/>: built-in first, then stored; null when none.</summary>
    public RoleSpec? Role(string name) => BuiltInRoles.Find(name) ?? _roles.FirstOrDefault(r => r.Name == name);

    /// <summary>Every role the caller holds, in the order: built-in groups, token, bindings by name.</summary>
    public IReadOnlyList<RoleGrant> GrantsOf(CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var grants = new List<RoleGrant>();
        if (caller.Groups.Contains(CallerIdentity.MastersGroup))
        {
            grants.Add(new RoleGrant(BuiltInRoles.Admin.Name, BuiltInRoles.Admin, [], "group/" + CallerIdentity.MastersGroup));
        }
        if (caller.Groups.Contains(CallerIdentity.ServersGroup))
        {
            grants.Add(new RoleGrant(BuiltInRoles.Server.Name, BuiltInRoles.Server, [], "group/" + CallerIdentity.ServersGroup));
        }
        if (caller.TokenRole is { } tokenRole)
        {
            grants.Add(new RoleGrant(tokenRole, Role(tokenRole), [], "token"));
        }
        foreach (var binding in _bindings.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            if (binding.Binds(caller.Name, caller.Groups))
            {
                grants.Add(new RoleGrant(binding.Role, Role(binding.Role), binding.Namespaces, "rolebinding/" + binding.Name));
            }
        }
        return grants;
    }

    /// <summary>Whether <paramref name="caller"/> may do <paramref name="verb"/> on <paramref name="kind"/> in <paramref name="ns"/> (empty: cluster-wide), with the grants considered.</summary>
    public AccessDecision Decide(CallerIdentity caller, string verb, string kind, string ns)
    {
        var grants = GrantsOf(caller);
        foreach (var grant in grants)
        {
            if (grant.Allows(verb, kind, ns))
            {
                return new AccessDecision(true, grants);
            }
        }
        return new AccessDecision(false, grants);
    }
}
