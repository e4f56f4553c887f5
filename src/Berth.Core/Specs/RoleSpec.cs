namespace Berth.Core.Specs;

/// <summary>
/// A cluster-wide set of permissions (the <c>Role</c> kind): what its <see cref="Rules"/> allow, given to users and groups
/// by a <see cref="RoleBindingSpec"/>. A request is allowed when any rule of any role bound to the caller allows it.
/// </summary>
/// <param name="Name"><c>metadata.name</c>.</param>
/// <param name="Rules">The rules; together they allow the union of what each allows.</param>
public sealed record RoleSpec(string Name, IReadOnlyList<RoleRule> Rules)
{
    /// <summary>True when some rule allows <paramref name="verb"/> on <paramref name="kind"/> in <paramref name="ns"/>.</summary>
    public bool Allows(string verb, string kind, string ns)
    {
        foreach (var rule in Rules)
        {
            if (rule.Allows(verb, kind, ns))
            {
                return true;
            }
        }
        return false;
    }
}
