using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>
/// Reads a <c>RoleBinding</c> manifest's spec into a <see cref="RoleBindingSpec"/>:
/// <c>{role: developer, subjects: [{kind: User, name: bob}, {kind: Group, name: dev}], namespaces: [team-a]}</c>.
/// </summary>
public static class RoleBindingManifestReader
{
    /// <summary>The manifest kind.</summary>
    public const string Kind = "RoleBinding";

    private const string Example = "{role: viewer, subjects: [{kind: User, name: bob}]}";

    /// <summary>Reads a RoleBinding document.</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static RoleBindingSpec Read(ManifestDocument document)
    {
        var spec = FleetFieldReader.SpecOf(document, Kind, Example);
        spec.ExpectFields("role", "subjects", "namespaces");
        var role = spec.RequiredField("role").AsString();
        if (string.IsNullOrWhiteSpace(role))
        {
            spec.RequiredField("role").Fail($"is empty; name a built-in role ({string.Join(", ", RoleManifestReader.BuiltInNames)}) or a Role you applied");
        }
        var subjectsNode = spec.RequiredField("subjects");
        if (!subjectsNode.IsSequence || subjectsNode.Items().Count == 0)
        {
            subjectsNode.Fail($"expected a list of at least one subject, e.g. {Example}");
        }
        var subjects = new List<RoleSubject>();
        foreach (var item in subjectsNode.Items())
        {
            if (!item.IsMapping)
            {
                item.Fail("expected a mapping with kind (User or Group) and name, e.g. {kind: Group, name: dev}");
            }
            item.ExpectFields("kind", "name");
            var kind = item.RequiredField("kind").AsEnum<SubjectKind>();
            var nameNode = item.RequiredField("name");
            var name = nameNode.AsString();
            if (string.IsNullOrWhiteSpace(name))
            {
                nameNode.Fail("is empty; give the user's or group's name");
            }
            subjects.Add(new RoleSubject(kind, name));
        }
        IReadOnlyList<string> namespaces = [];
        if (spec.Field("namespaces") is { } nsNode)
        {
            namespaces = RoleManifestReader.Namespaces(nsNode);
            if (namespaces.Contains(RoleRule.Wildcard))
            {
                nsNode.Fail("\"*\" is what leaving namespaces out means; remove namespaces to bind the role everywhere, or list the namespaces");
            }
        }
        return new RoleBindingSpec(document.Name, role, subjects, namespaces);
    }
}
