using System.CommandLine;
using Berth.Cli.Commands.Client;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Start;

/// <summary><c>berth start workload NAME|NS/NAME [-n NS]</c>: runs a stopped workload's replicas again.</summary>
public static class StartCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The workload: NAME or NAMESPACE/NAME" };
        var ns = CommonOptions.Namespace();
        var workload = new Command("workload", "Run a stopped workload's replicas again") { name, ns };
        ClientAction.Set(workload, async (parseResult, client, output, cancellationToken) =>
        {
            var reference = WorkloadReference.Parse(parseResult.GetRequiredValue(name), parseResult.GetValue(ns));
            var response = BerthClient.Read<WorkloadChangeResponse>(await client.PostAsync(reference.Path + "/start", cancellationToken: cancellationToken).ConfigureAwait(false));
            await output.WriteLineAsync(response.Changed
                ? $"workload {reference} started with {Render.Number(response.Replicas)} replica(s)"
                : $"workload {reference} unchanged: already running").ConfigureAwait(false);
            return 0;
        });
        return new Command("start", "Start resources") { workload };
    }
}
