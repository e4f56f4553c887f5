using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Berth.Cli.Commands.Client;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Logs;

/// <summary>
/// <c>berth logs WORKLOAD [--replica I] [-n NS] [--tail N] [-f]</c>: prints what one replica wrote (stdout and stderr)
/// as the server holds it; <c>-f</c> then prints new lines as they arrive, until Ctrl+C.
/// </summary>
public static class LogsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("workload") { Description = "The workload: NAME or NAMESPACE/NAME" };
        var ns = CommonOptions.Namespace();
        var replica = new Option<int>("--replica", "-r") { Description = "The replica index (default 0)", DefaultValueFactory = _ => 0 };
        var tail = new Option<int?>("--tail") { Description = "Print only the last N lines (default: every line the server keeps)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "After the past lines, print new ones as the replica writes them, until Ctrl+C" };
        replica.Validators.Add(result =>
        {
            if (result.GetValue(replica) is var value and < 0)
            {
                result.AddError(ClientMessages.Negative("--replica", value));
            }
        });
        tail.Validators.Add(result =>
        {
            if (result.GetValue(tail) is { } value and < 0)
            {
                result.AddError(ClientMessages.Negative("--tail", value));
            }
        });
        var command = new Command("logs", "Print a replica's output") { name, ns, replica, tail, follow };
        ClientAction.Set(command, async (parseResult, client, output, cancellationToken) =>
        {
            var reference = WorkloadReference.Parse(parseResult.GetRequiredValue(name), parseResult.GetValue(ns));
            var path = $"{reference.Path}/replicas/{parseResult.GetValue(replica).ToString(CultureInfo.InvariantCulture)}/logs";
            var query = parseResult.GetValue(tail) is { } lines ? "?tail=" + lines.ToString(CultureInfo.InvariantCulture) : "";
            if (!parseResult.GetValue(follow))
            {
                var answer = BerthClient.Read<ReplicaLogsResponse>(await client.GetAsync(path + query, cancellationToken).ConfigureAwait(false));
                foreach (var line in answer.Lines)
                {
                    await output.WriteLineAsync(line).ConfigureAwait(false);
                }
                return 0;
            }
            var followPath = path + (query.Length == 0 ? "?" : query + "&") + "follow=true";
            await foreach (var data in client.FollowAsync(followPath, cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync(JsonSerializer.Deserialize(data, ApiJson.Info<string>())).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }
}
