using System.Globalization;
using Berth.Scheduling.Simulation;
using Spectre.Console;

namespace Berth.Cli.Commands.Simulate;

/// <summary>Writes a simulation report as tables for people: one row per replica, and with --explain each replica's candidates.</summary>
public static class SimulationTableWriter
{
    private const string NoNode = "—";

    /// <summary>Writes the report.</summary>
    public static void Write(SimulationReport report, bool explain, TextWriter output)
    {
        var console = ConsoleFor(output);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("WORKLOAD").AddColumn("REPLICA").AddColumn("NODE").AddColumn("REASON");
        foreach (var p in report.Placements)
        {
            table.AddRow(
                new Text($"{p.Namespace}/{p.Workload}"),
                new Text(p.Replica.ToString(CultureInfo.InvariantCulture)),
                p.Node is null ? new Markup($"[red]{NoNode}[/]") : new Text(NodeWithDevices(p)),
                new Text(p.Reason));
        }
        console.Write(table);

        if (explain)
        {
            foreach (var p in report.Placements)
            {
                console.Write(CandidateTable(p));
            }
        }

        SimulationReservationsWriter.WriteTable(console, report.Reservations);
        var s = report.Summary;
        console.WriteLine($"{s.Placed} placed, {s.Unschedulable} unschedulable, {s.NodesUsed} node(s) used");
    }

    private static Table CandidateTable(ReplicaPlacement p)
    {
        var title = $"{p.Namespace}/{p.Workload}-{p.Replica} → {p.Node ?? NoNode}";
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(title))
            .AddColumn("NODE").AddColumn("FEASIBLE").AddColumn("SCORES / REASONS").AddColumn(new TableColumn("TOTAL").RightAligned());
        foreach (var c in p.Candidates ?? [])
        {
            var detail = c.Feasible
                ? string.Join(", ", c.Scores.Select(kv => $"{kv.Key} {kv.Value.ToString(CultureInfo.InvariantCulture)}"))
                : string.Join("; ", c.Reasons);
            table.AddRow(
                new Text(c.Node),
                new Text(c.Feasible ? "yes" : "no"),
                new Text(detail),
                new Text(c.Feasible ? c.Total.ToString(CultureInfo.InvariantCulture) : ""));
        }
        if (p.Preemption is { } preemption)
        {
            foreach (var candidate in preemption.Candidates)
            {
                var chosen = candidate.Node == preemption.Chosen ? " (chosen)" : "";
                table.AddRow(
                    new Text($"{candidate.Node}{chosen}"),
                    new Text("preempt"),
                    new Text($"victims {string.Join(", ", candidate.Victims)}; budget violations {candidate.BudgetViolations.ToString(CultureInfo.InvariantCulture)}"),
                    new Text(""));
            }
        }
        return table;
    }

    private static IAnsiConsole ConsoleFor(TextWriter output)
    {
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            // Redirected output has no width; pick one wide enough that reasons rarely wrap.
            console.Profile.Width = 160;
        }
        return console;
    }

    /// <summary>The node, with the GPU devices the replica holds there, e.g. <c>gpu-1 (gpu 0,1)</c>.</summary>
    private static string NodeWithDevices(ReplicaPlacement p) =>
        p.Devices is { Count: > 0 } devices ? $"{p.Node} (gpu {string.Join(",", devices)})" : p.Node ?? NoNode;
}
