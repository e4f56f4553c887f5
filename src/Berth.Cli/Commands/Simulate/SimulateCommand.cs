using System.CommandLine;
using Berth.Core.Manifests;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Simulation;

namespace Berth.Cli.Commands.Simulate;

/// <summary><c>berth simulate -f SCENARIO [--explain] [-o json|table]</c>: what-if placement over a described cluster (spec/scenario.md).</summary>
public static class SimulateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = CommonOptions.File("Scenario file (YAML or JSON)");
        var explain = new Option<bool>("--explain") { Description = "Show every node's evaluation and preemption candidates per replica" };
        var output = CommonOptions.Output();
        var command = new Command("simulate", "Place workloads onto a described cluster and print every decision; no server needed")
        {
            file,
            explain,
            output,
        };
        command.SetAction(parseResult => Run(
            parseResult.GetRequiredValue(file),
            parseResult.GetValue(explain),
            parseResult.GetValue(output),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Reads, simulates and prints; returns 0 when the scenario was read (placed or not), 2 for a bad scenario or file.</summary>
    public static int Run(string path, bool explain, OutputFormat format, TextWriter output, TextWriter error)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            error.WriteLine($"error: {path}: file not found");
            return Program.UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {path}: {e.Message}");
            return Program.UsageError;
        }

        SimulationReport report;
        try
        {
            var scenario = ScenarioReader.Read(text);
            report = new Simulator().Run(scenario, explain);
        }
        catch (ManifestException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Program.UsageError;
        }
        catch (ProfileException e)
        {
            error.WriteLine($"error: profile: {e.Message}");
            return Program.UsageError;
        }

        if (format == OutputFormat.Json)
        {
            SimulationJsonWriter.Write(report, explain, output);
        }
        else
        {
            SimulationTableWriter.Write(report, explain, output);
        }
        return 0;
    }
}
