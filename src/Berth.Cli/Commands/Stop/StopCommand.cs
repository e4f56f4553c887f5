using System.CommandLine;
using Berth.Cli.Commands.Client;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Stop;

/// <summary><c>berth stop workload NAME|NS/NAME [-n NS]</c>: keeps the workload but stops its replicas, which release their room.</summary>
public static class StopCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The workload: NAME or NAMESPACE/NAME" };
        var ns = CommonOptions.Namespace();
        var workload = new Command("workload", "Stop a workload's replicas (berth start runs them again)") { name, ns };
        ClientAction.Set(workload, async (parseResult, client, output, cancellationToken) =>
        {
            var reference = WorkloadReference.Parse(parseResult.GetRequiredValue(name), parseResult.GetValue(ns));
            var response = BerthClient.Read<WorkloadChangeResponse>(await client.PostAsync(reference.Path + "/stop", cancellationToken: cancellationToken).ConfigureAwait(false));
            await output.WriteLineAsync(response.Changed ? $"workload {reference} stopped" : $"workload {reference} unchanged: already stopped").ConfigureAwait(false);
            return 0;
        });
        return new Command("stop", "Stop resources") { workload };
    }
}
