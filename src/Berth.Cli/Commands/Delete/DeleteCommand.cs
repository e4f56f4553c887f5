using System.CommandLine;
using Berth.Cli.Commands.Client;

namespace Berth.Cli.Commands.Delete;

/// <summary><c>berth delete workload NAME|NS/NAME [-n NS]</c>: deletes a workload; the server removes its replicas.</summary>
public static class DeleteCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The workload: NAME or NAMESPACE/NAME" };
        var ns = CommonOptions.Namespace();
        var workload = new Command("workload", "Delete a workload") { name, ns };
        ClientAction.Set(workload, async (parseResult, client, output, cancellationToken) =>
        {
            var reference = WorkloadReference.Parse(parseResult.GetRequiredValue(name), parseResult.GetValue(ns));
            await client.DeleteAsync(reference.Path, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"workload {reference} deleted").ConfigureAwait(false);
            return 0;
        });
        return new Command("delete", "Delete resources") { workload };
    }
}
