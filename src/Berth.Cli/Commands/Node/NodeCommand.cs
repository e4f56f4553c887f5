using System.CommandLine;
using System.Globalization;
using Berth.Cli.Commands.Client;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Node;

/// <summary>
/// <c>berth node cordon|uncordon NAME</c> and <c>berth node drain NAME [--timeout 2m]</c>. Drain works as
/// <c>kubectl drain</c>: it cordons the node, then asks the server to release replicas (one per workload at a time, so
/// each workload keeps its other replicas running) until none is left or the timeout passes, printing each step.
/// </summary>
public static class NodeCommand
{
    /// <summary>The default <c>--timeout</c> of a drain.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a drain waits between steps: long enough for the control loop, which the server wakes on every release,
    /// to place the released replicas elsewhere; short enough that a drain of a few workloads takes seconds.
    /// </summary>
    public static readonly TimeSpan DrainStepInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var cordonName = NodeName();
        var cordon = new Command("cordon", "Place no new replicas on the node (its replicas keep running)") { cordonName };
        ClientAction.Set(cordon, (parseResult, client, output, cancellationToken) =>
            CordonAsync(client, parseResult.GetRequiredValue(cordonName), "cordon", output, cancellationToken));

        var uncordonName = NodeName();
        var uncordon = new Command("uncordon", "Place replicas on the node again") { uncordonName };
        ClientAction.Set(uncordon, (parseResult, client, output, cancellationToken) =>
            CordonAsync(client, parseResult.GetRequiredValue(uncordonName), "uncordon", output, cancellationToken));

        var drainName = NodeName();
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "How long to keep draining before giving up, e.g. 90s, 2m, 1h (default 2m)",
            DefaultValueFactory = _ => DefaultDrainTimeout,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (TryParseDuration(text, out var span))
                {
                    return span;
                }
                result.AddError(ClientMessages.BadTimeout(text));
                return DefaultDrainTimeout;
            },
        };
        var drain = new Command("drain", "Cordon the node and move its replicas elsewhere, keeping each workload's other replicas running") { drainName, timeout };
        ClientAction.Set(drain, (parseResult, client, output, cancellationToken) =>
            DrainAsync(client, parseResult.GetRequiredValue(drainName), parseResult.GetValue(timeout), DrainStepInterval, output, cancellationToken));

        return new Command("node", "Operate on nodes: cordon, uncordon, drain, bootstrap-token") { cordon, uncordon, drain, BootstrapTokenCommand.Create() };
    }

    /// <summary>Parses a duration: a number above zero followed by <c>s</c>, <c>m</c> or <c>h</c> (<c>90s</c>, <c>2m</c>, <c>1.5h</c>).</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || text.Length < 2)
        {
            return false;
        }
        double unit = text[^1] switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => 0,
        };
        if (unit == 0 || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value <= 0 || value * unit > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }
        duration = TimeSpan.FromSeconds(value * unit);
        return true;
    }

    /// <summary>
    /// Drains <paramref name="node"/>: one drain step, then another every <paramref name="interval"/>, until the node
    /// holds no replicas (exit 0) or <paramref name="timeout"/> passes (exit 1, the node stays cordoned).
    /// </summary>
    public static async Task<int> DrainAsync(BerthClient client, string node, TimeSpan timeout, TimeSpan interval, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(output);
        var deadline = DateTime.UtcNow + timeout;
        var path = NodePath(node) + "/drain";
        var waitingFor = "";
        for (int step = 0; ; step++)
        {
            var result = BerthClient.Read<DrainResponse>(await client.PostAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false));
            if (step == 0)
            {
                await output.WriteLineAsync($"node {node} cordoned").ConfigureAwait(false);
            }
            foreach (var replica in result.Released)
            {
                await output.WriteLineAsync($"replica {replica} released; it will be placed on another node").ConfigureAwait(false);
            }
            if (result.Complete)
            {
                await output.WriteLineAsync($"node {node} drained").ConfigureAwait(false);
                return 0;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new ClientException(ClientMessages.DrainTimedOut(node, timeout, result.Remaining, result.Blocked), ClientMessages.ServerFailure);
            }
            var blocked = string.Join(", ", result.Blocked);
            if (blocked.Length > 0 && blocked != waitingFor)
            {
                await output.WriteLineAsync($"waiting for released replicas to be placed before releasing {blocked}").ConfigureAwait(false);
            }
            waitingFor = blocked;
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Argument<string> NodeName() => new("name") { Description = "The node's name" };

    private static string NodePath(string node) => "v1/nodes/" + Uri.EscapeDataString(node);

    private static async Task<int> CordonAsync(BerthClient client, string node, string verb, TextWriter output, CancellationToken cancellationToken)
    {
        var response = BerthClient.Read<NodeCordonResponse>(await client.PostAsync(NodePath(node) + "/" + verb, cancellationToken: cancellationToken).ConfigureAwait(false));
        await output.WriteLineAsync($"node {response.Node} {(response.Cordoned ? "cordoned" : "uncordoned")}").ConfigureAwait(false);
        return 0;
    }
}
