using System.CommandLine;
using Berth.Cli.Commands.Agent;
using Berth.Cli.Commands.Apply;
using Berth.Cli.Commands.Delete;
using Berth.Cli.Commands.Describe;
using Berth.Cli.Commands.Dev;
using Berth.Cli.Commands.Get;
using Berth.Cli.Commands.Logs;
using Berth.Cli.Commands.Node;
using Berth.Cli.Commands.Plan;
using Berth.Cli.Commands.Scale;
using Berth.Cli.Commands.Server;
using Berth.Cli.Commands.Simulate;
using Berth.Cli.Commands.Start;
using Berth.Cli.Commands.Stop;

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

    /// <summary>Like <see cref="Run"/>, but cancellable (tests end <c>get events -w</c> this way; Ctrl+C does from a terminal).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var result = CreateRootCommand().Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var parseError in result.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}").ConfigureAwait(false);
            }
            return UsageError;
        }
        return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The root command with every verb.</summary>
    public static RootCommand CreateRootCommand() => new("berth: a workload scheduler and orchestrator")
    {
        SimulateCommand.Create(),
        ServerCommand.Create(),
        ApplyCommand.Create(),
        GetCommand.Create(),
        DescribeCommand.Create(),
        DeleteCommand.Create(),
        AgentCommand.Create(),
        DevCommand.Create(),
        LogsCommand.Create(),
        ScaleCommand.Create(),
        StopCommand.Create(),
        StartCommand.Create(),
        NodeCommand.Create(),
        PlanCommand.Create(),
        Commands.Rebalance.RebalanceCommand.Create(),
        Commands.Token.TokenCommand.Create(),
    };
}
