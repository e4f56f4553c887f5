using System.CommandLine;
using Berth.Cli.Commands.Client;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Rebalance;

/// <summary>
/// <c>berth rebalance [WORKLOAD] [-n NS]</c>: runs a fleet rebalance pass now: underused clusters are drained into
/// fuller ones and deleted; budget, capacity and compliance triggers are listed. With a workload, only what concerns it.
/// </summary>
public static class RebalanceCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string?>("workload") { Description = "A fleet workload: NAME or NAMESPACE/NAME; all when omitted", Arity = ArgumentArity.ZeroOrOne };
        var ns = CommonOptions.Namespace();
        var command = new Command("rebalance", "Move fleet workloads now: consolidate underused clusters, report budget, capacity and compliance triggers") { name, ns };
        ClientAction.Set(command, async (parseResult, client, output, cancellationToken) =>
        {
            var path = "v1/fleet/rebalance";
            if (parseResult.GetValue(name) is { Length: > 0 } text)
            {
                path += "?workload=" + Uri.EscapeDataString(WorkloadReference.Parse(text, parseResult.GetValue(ns)).ToString());
            }
            var response = BerthClient.Read<RebalanceResponse>(await client.PostAsync(path, null, cancellationToken).ConfigureAwait(false));
            if (response.Triggers.Count == 0)
            {
                await output.WriteLineAsync(ClientMessages.NothingToRebalance).ConfigureAwait(false);
                return 0;
            }
            foreach (var trigger in response.Triggers)
            {
                await output.WriteLineAsync("trigger  " + trigger).ConfigureAwait(false);
            }
            foreach (var move in response.Moves)
            {
                await output.WriteLineAsync($"{(move.Completed ? "moved" : "stopped")}  {move.Workload}: {move.Shares} ({move.Message})").ConfigureAwait(false);
            }
            foreach (var cluster in response.DeletedClusters)
            {
                await output.WriteLineAsync("deleted  cluster " + cluster).ConfigureAwait(false);
            }
            foreach (var left in response.Unhandled)
            {
                await output.WriteLineAsync("left     " + left).ConfigureAwait(false);
            }
            // A migration that stopped short is a failure the caller may script around.
            return response.Moves.All(m => m.Completed) ? 0 : 1;
        });
        return command;
    }
}
