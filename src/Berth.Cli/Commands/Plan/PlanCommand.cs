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
    /// action and node; the reason is shown for unschedulable replicas, and with <paramref name="wide"/> the scheduler's
    /// explanation for the others too.
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
            Render.Columns(
                output,
                ["REPLICA", "ACTION", "NODE", "REASON"],
                workload.Replicas.Select(r => (IReadOnlyList<string>)
                [
                    Render.Number(r.Replica),
                    r.Action.ToString().ToLowerInvariant(),
                    r.Node ?? Render.None,
                    wide || r.Action == ReplicaPreviewAction.Unschedulable ? r.Detail : "",
                ]),
                "  ");
        }
        output.WriteLine($"(dry run at revision {Render.Number(plan.Revision)}; nothing was changed)");
    }
}
