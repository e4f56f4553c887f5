using Berth.Cli.Commands.Client;
using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.Security;

namespace Berth.Cli.Commands.Get;

/// <summary><c>berth get roles|rolebindings|tokens|audit</c> as tables.</summary>
public static class SecurityTables
{
    /// <summary>Where <c>get roles</c> reads.</summary>
    public const string RolesPath = "v1/roles";

    /// <summary>Where <c>get rolebindings</c> reads.</summary>
    public const string RoleBindingsPath = "v1/objects/rolebindings";

    /// <summary>Where <c>get tokens</c> reads.</summary>
    public const string TokensPath = "v1/tokens";

    /// <summary>Where <c>get audit</c> reads.</summary>
    public const string AuditPath = "v1/audit";

    /// <summary>Roles: one line per rule.</summary>
    public static void Roles(string json, bool wide, TextWriter output)
    {
        var roles = BerthClient.Read<RoleView[]>(json);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var role in roles)
        {
            foreach (var rule in role.Rules)
            {
                rows.Add([role.Name, role.BuiltIn ? "yes" : "no", string.Join(",", rule.Verbs), string.Join(",", rule.Kinds), string.Join(",", rule.Namespaces)]);
            }
        }
        Render.Columns(output, ["NAME", "BUILT-IN", "VERBS", "KINDS", "NAMESPACES"], rows);
    }

    /// <summary>Role bindings: role, subjects and namespaces.</summary>
    public static void RoleBindings(string json, bool wide, TextWriter output)
    {
        var objects = BerthClient.Read<ObjectView[]>(json);
        Render.Columns(output, ["NAME", "ROLE", "SUBJECTS", "NAMESPACES"], objects.Select(o =>
        {
            var subjects = o.Spec.GetProperty("subjects").EnumerateArray()
                .Select(s => $"{s.GetProperty("kind").GetString()}:{s.GetProperty("name").GetString()}");
            var namespaces = o.Spec.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()).ToList();
            return (IReadOnlyList<string>)[o.Name, o.Spec.GetProperty("role").GetString() ?? "", string.Join(",", subjects),
                namespaces.Count == 0 ? RoleRule.Wildcard : string.Join(",", namespaces)];
        }));
    }

    /// <summary>Tokens, without secrets.</summary>
    public static void Tokens(string json, bool wide, TextWriter output)
    {
        var tokens = BerthClient.Read<TokenView[]>(json);
        Render.Columns(output, ["ID", "USER", "GROUPS", "ROLE", "EXPIRES", "STATE"], tokens.Select(t => (IReadOnlyList<string>)
            [t.Id, t.User, t.Groups.Count == 0 ? Render.None : string.Join(",", t.Groups), t.Role ?? Render.None, Render.Time(t.Expires), t.State]));
    }

    /// <summary>Audit entries, oldest first; wide adds the route and the refusal's reason.</summary>
    public static void Audit(string json, bool wide, TextWriter output)
    {
        var entries = BerthClient.Read<AuditEntry[]>(json);
        string[] headers = wide
            ? ["TIME", "USER", "SOURCE", "VERB", "KIND", "NAMESPACE", "NAME", "STATUS", "OUTCOME", "ROUTE", "REASON"]
            : ["TIME", "USER", "VERB", "KIND", "NAMESPACE", "NAME", "STATUS", "OUTCOME"];
        Render.Columns(output, headers, entries.Select(e =>
        {
            string[] row = wide
                ? [Render.Time(e.Time), e.User, e.Source, e.Verb, e.Kind, Or(e.Namespace), Or(e.Name), Render.Number(e.Status), e.Outcome, e.Route, e.Reason ?? Render.None]
                : [Render.Time(e.Time), e.User, e.Verb, e.Kind, Or(e.Namespace), Or(e.Name), Render.Number(e.Status), e.Outcome];
            return (IReadOnlyList<string>)row;
        }));
    }

    private static string Or(string value) => value.Length == 0 ? Render.None : value;
}
