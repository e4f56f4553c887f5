using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>
/// Reads a <c>Role</c> manifest's spec into a <see cref="RoleSpec"/>:
/// <c>{rules: [{verbs: [get, list], kinds: [workloads], namespaces: ["*"]}]}</c>; <c>*</c> matches every value and
/// <c>namespaces</c> defaults to <c>["*"]</c>.
/// </summary>
public static class RoleManifestReader
{
    /// <summary>The manifest kind.</summary>
    public const string Kind = "Role";

    /// <summary>The built-in roles' names, which a stored Role may not take.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["admin", "operator", "viewer", "developer"];

    private const string Example = "{rules: [{verbs: [get, list], kinds: [workloads]}]}";

    /// <summary>Reads a Role document.</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static RoleSpec Read(ManifestDocument document)
    {
        var spec = FleetFieldReader.SpecOf(document, Kind, Example);
        spec.ExpectFields("rules");
        if (BuiltInNames.Contains(document.Name))
        {
            document.Root.RequiredField("metadata").RequiredField("name").Fail(
                $"'{document.Name}' is a built-in role and cannot be redefined; pick another name, e.g. {document.Name}-custom");
        }
        var rulesNode = spec.RequiredField("rules");
        if (!rulesNode.IsSequence || rulesNode.Items().Count == 0)
        {
            rulesNode.Fail($"expected a list of at least one rule, e.g. {Example}");
        }
        var rules = new List<RoleRule>();
        foreach (var item in rulesNode.Items())
        {
            if (!item.IsMapping)
            {
                item.Fail("expected a mapping with verbs, kinds and optional namespaces, e.g. {verbs: [get], kinds: [workloads]}");
            }
            item.ExpectFields("verbs", "kinds", "namespaces");
            var verbs = Values(item.RequiredField("verbs"), AccessVerbs.All, "verb");
            var kinds = Values(item.RequiredField("kinds"), AccessKinds.All, "kind");
            IReadOnlyList<string> namespaces = item.Field("namespaces") is { } nsNode ? Namespaces(nsNode) : [RoleRule.Wildcard];
            rules.Add(new RoleRule(verbs, kinds, namespaces));
        }
        return new RoleSpec(document.Name, rules);
    }

    private static List<string> Values(ManifestNode node, IReadOnlyList<string> known, string what)
    {
        var items = node.IsSequence ? node.Items() : [node];
        if (items.Count == 0)
        {
            node.Fail($"lists no {what}; give at least one, or \"*\" for every {what}");
        }
        var values = new List<string>(items.Count);
        foreach (var item in items)
        {
            var value = item.AsString();
            if (value != RoleRule.Wildcard && !known.Contains(value))
            {
                item.Fail($"'{value}' is not a {what}; use \"*\" or one of {string.Join(", ", known)}");
            }
            values.Add(value);
        }
        return values;
    }

    /// <summary>Namespaces (DNS-1123 labels) or <c>*</c>; the error names the item.</summary>
    internal static List<string> Namespaces(ManifestNode node)
    {
        var items = node.IsSequence ? node.Items() : [node];
        if (items.Count == 0)
        {
            node.Fail("lists no namespace; give at least one, or \"*\" for all");
        }
        var values = new List<string>(items.Count);
        foreach (var item in items)
        {
            values.Add(item.AsString() == RoleRule.Wildcard ? RoleRule.Wildcard : item.AsDnsLabel());
        }
        return values;
    }
}
