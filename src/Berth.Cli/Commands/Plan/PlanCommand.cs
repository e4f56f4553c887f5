using System.CommandLine;
using Berth.Cli.Commands.Apply;
using Berth.Cli.Commands.Client;
using Berth.Server.Placement;

namespace Berth.Cli.Commands.Plan;

/// <summary>
/// <c>berth plan -f FILE|DIR [-o table|wide|json|yaml]</c>: a dry run of <c>berth apply</c>. The server reads the
/// manifests as apply does (a bad one exits 2 with the field path) and answers, without writing anything, whether each
/// workload would be created, updated (which fields) or unchanged, and per replica the node it would run on or why none fits.
/// </summary>
public static class PlanCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = CommonOptions.File("A manifest file, or a directory whose .yaml, .yml and .json files are planned together");
        var output = CommonOptions.ResourceOutput();
        var command = new Command("plan", "Show what apply would change and where each replica would go, without changing anything") { file, output };
        ClientAction.Set(command, async (parseResult, client, writer, cancellationToken) =>
        {
            var text = ApplyCommand.ReadManifests(parseResult.GetRequiredValue(file));
            var json = await client.PlanAsync(text, cancellationToken).ConfigureAwait(false);
            var format = parseResult.GetValue(output);
            if (format is OutputFormat.Json or OutputFormat.Yaml)
            {
                Render.Document(json, format, writer);
            }
            else
            {
                WritePlan(BerthClient.Read<PlanPreview>(json), format == OutputFormat.Wide, writer);
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Writes one block per workload: <c>workload NS/NAME created|updated (fields)|unchanged</c>, then its replicas with
    /// action and node (<c>laptop (or desk)</c> when nodes tie and the tie-break may pick another); the reason is shown
    /// for unschedulable replicas, and with <paramref name="wide"/> the scheduler's explanation for the others too.
    /// </summary>
    public static void WritePlan(PlanPreview plan, bool wide, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var workload in plan.Workloads)
        {
            var change = workload.Change.ToString().ToLowerInvariant();
            var fields = workload.ChangedFields.Count > 0 ? $" ({string.Join(", ", workload.ChangedFields)})" : "";
            output.WriteLine($"workload {workload.Namespace}/{workload.Name} {change}{fields}");
            if (workload.Replicas.Count == 0)
            {
                output.WriteLine($"  {Render.None}");
                continue;
            }
            var rows = workload.Replicas.Select(r => (IReadOnlyList<string>)
            [
                Render.Number(r.Replica),
                r.Action.ToString().ToLowerInvariant(),
                r.Node is null ? Render.None : r.TiedWith.Count == 0 ? r.Node : $"{r.Node} (or {string.Join(", ", r.TiedWith)})",
                wide || r.Action == ReplicaPreviewAction.Unschedulable ? r.Detail : "",
            ]).ToList();
            // The reason column only when some replica has one, so a plan where everything fits stays narrow.
            bool reasons = rows.Any(r => r[3].Length > 0);
            Render.Columns(
                output,
                reasons ? ["REPLICA", "ACTION", "NODE", "REASON"] : ["REPLICA", "ACTION", "NODE"],
                reasons ? rows : rows.Select(r => (IReadOnlyList<string>)[r[0], r[1], r[2]]),
                "  ");
        }
        output.WriteLine($"(dry run at revision {Render.Number(plan.Revision)}; nothing was changed)");
    }
}
