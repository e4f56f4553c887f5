namespace Berth.Core.Specs;

/// <summary>
/// Gives a role to users and groups (the <c>RoleBinding</c> kind). With <see cref="Namespaces"/> the role reaches only
/// those namespaces, as a Kubernetes RoleBinding of a ClusterRole does: <c>developer</c> bound in <c>team-a</c> lets its
/// subjects change workloads in <c>team-a</c> and nowhere else, and nothing cluster-wide.
/// </summary>
/// <param name="Name"><c>metadata.name</c>.</param>
/// <param name="Role">The role's name: a built-in one (admin, operator, viewer, developer) or a stored Role.</param>
/// <param name="Subjects">Whom the role is given to.</param>
/// <param name="Namespaces">The namespaces the role is restricted to; empty: wherever the role's rules reach.</param>
public sealed record RoleBindingSpec(string Name, string Role, IReadOnlyList<RoleSubject> Subjects, IReadOnlyList<string> Namespaces)
{
    /// <summary>True when the binding names the user <paramref name="user"/> or one of <paramref name="groups"/>.</summary>
    public bool Binds(string user, IReadOnlyList<string> groups)
    {
        foreach (var subject in Subjects)
        {
            if (subject.Kind == SubjectKind.User ? subject.Name == user : groups.Contains(subject.Name))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when the binding lets its role act in <paramref name="ns"/> (empty: cluster-wide, which a namespace-restricted binding never reaches).</summary>
    public bool Reaches(string ns) => Namespaces.Count == 0 || ns.Length > 0 && Namespaces.Contains(ns);
}
