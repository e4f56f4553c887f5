using System.CommandLine;
using Berth.Cli.Commands.Agent;
using Berth.Cli.Commands.Server;
using Berth.Cli.Commands.Simulate;

namespace Berth.Cli;

/// <summary>The <c>berth</c> executable: one root command with a subcommand per verb.</summary>
public static class Program
{
    /// <summary>Exit code for a command line or input that cannot be used (bad scenario, missing file, unknown option).</summary>
    public const int UsageError = 2;

    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Parses and runs a command line with the given output and error writers (tests run the CLI in-process this way).</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var result = CreateRootCommand().Parse(args);
        if (result.Errors.Count > 0)
        {
            // System.CommandLine would exit 1; usage problems exit 2 like a bad scenario, so scripts see one code for "fix your input".
            foreach (var parseError in result.Errors)
            {
                error.WriteLine($"error: {parseError.Message}");
            }
            return UsageError;
        }
        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>The root command with every verb.</summary>
    public static RootCommand CreateRootCommand() => new("berth: a workload scheduler and orchestrator")
    {
        SimulateCommand.Create(),
        ServerCommand.Create(),
        AgentCommand.Create(),
    };
}
