using Berth.Cli.Commands.Client;
using Berth.Server.Automation;

namespace Berth.Cli.Commands.Get;

/// <summary><c>berth get rules</c> as a table: each rule's condition, whether it is firing, its episodes and when it last fired.</summary>
public static class RuleTable
{
    /// <summary>The path the rows come from.</summary>
    public const string Path = "v1/rules";

    /// <summary>Writes the rules of a <c>GET /v1/rules</c> answer as columns (wide adds the actions and the last subject).</summary>
    public static void Write(string json, bool wide, TextWriter output)
    {
        var rules = BerthClient.Read<RuleView[]>(json);
        IReadOnlyList<string> headers = wide
            ? ["NAME", "CONDITION", "FIRING", "EPISODES", "LAST FIRED", "LAST SUBJECT", "ACTIONS"]
            : ["NAME", "CONDITION", "FIRING", "EPISODES", "LAST FIRED"];
        Render.Columns(output, headers, rules.Select(r =>
        {
            string[] row = [r.Name, r.Condition, Firing(r), Render.Number(r.Episodes), Render.Time(r.LastFired)];
            return wide ? (IReadOnlyList<string>)[.. row, r.LastSubject ?? Render.None, Actions(r)] : row;
        }));
    }

    /// <summary>"yes (N)" with the subjects it is firing for, or "no".</summary>
    public static string Firing(RuleView rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        int firing = rule.Subjects.Count(s => s.State == RuleEpisodeState.Firing);
        return firing == 0 ? "no" : $"yes ({Render.Number(firing)})";
    }

    /// <summary>The rule's actions in one cell, e.g. <c>event NodeHot, cordon, webhook http://…</c>.</summary>
    public static string Actions(RuleView rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return string.Join(", ", rule.Spec.Actions.Select(a =>
            a.Event is { } e ? $"event {e.Reason}" : a.Cordon is not null ? "cordon" : $"webhook {a.Webhook!.Url}"));
    }
}
