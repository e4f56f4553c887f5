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
        var profiles = new Option<string?>("--profiles") { Description = "Profiles file (YAML or JSON) defining custom profiles the scenario's profile.name may use" };
        var output = CommonOptions.Output();
        var command = new Command("simulate", "Place workloads onto a described cluster and print every decision; no server needed")
        {
            file,
            explain,
            profiles,
            output,
        };
        command.SetAction(parseResult => Run(
            parseResult.GetRequiredValue(file),
            parseResult.GetValue(explain),
            parseResult.GetValue(output),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            parseResult.GetValue(profiles)));
        return command;
    }

    /// <summary>Reads, simulates and prints; returns 0 when the scenario was read (placed or not), 2 for a bad scenario or file.</summary>
    public static int Run(string path, bool explain, OutputFormat format, TextWriter output, TextWriter error, string? profilesPath = null)
    {
        if (!TryReadText(path, error, out var text))
        {
            return Program.UsageError;
        }
        string? profilesText = null;
        if (profilesPath is not null && !TryReadText(profilesPath, error, out profilesText))
        {
            return Program.UsageError;
        }

        SimulationReport report;
        try
        {
            IReadOnlyDictionary<string, SchedulingProfile>? custom = null;
            if (profilesText is not null)
            {
                try
                {
                    custom = ProfilesReader.Read(profilesText);
                }
                catch (ManifestException e)
                {
                    error.WriteLine($"error: {profilesPath}: {e.Message}");
                    return Program.UsageError;
                }
            }
            var scenario = ScenarioReader.Read(text, profiles: custom);
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

    private static bool TryReadText(string path, TextWriter error, out string text)
    {
        text = "";
        try
        {
            text = File.ReadAllText(path);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            error.WriteLine($"error: {path}: file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {path}: {e.Message}");
        }
        return false;
    }
}
