using System.CommandLine;
using Berth.Agent;
using Berth.Agent.Simulation;
using Berth.Cli.Commands.Client;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Commands.Agent;

/// <summary>
/// <c>berth agent --server URL[,URL...] --name N [--labels k=v,...] [--capacity cpu=4,memory=8Gi]</c>: registers this
/// machine as a node, heartbeats, and runs the replicas placed on it as processes until Ctrl+C (which stops them). With
/// <c>--simulate N</c> it registers N hollow nodes instead (<see cref="HollowNodes"/>). Several servers (the replicas of
/// one control plane) are used one at a time, moving to the next when one fails (<see cref="ServerRotation"/>);
/// without <c>--server</c>, <c>BERTH_ADDR</c> gives the list.
/// </summary>
public static class AgentCommand
{
    /// <summary>The hidden option that makes an agent stop when its standard input closes (<see cref="ParentWatch"/>).</summary>
    public const string ExitWithStdinOption = "--exit-with-stdin";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var server = new Option<string?>("--server")
        {
            Description = "The control plane's REST URL, e.g. http://127.0.0.1:7070 (the agent asks it for the gRPC address at /v1/info); "
                + "several, comma-separated, are used one at a time and the agent moves to the next when one fails (else BERTH_ADDR)",
        };
        var name = new Option<string>("--name")
        {
            Description = "The node name (a DNS-1123 subdomain)",
            Required = true,
        };
        var labels = new Option<string?>("--labels") { Description = "Node labels, k=v,k=v" };
        var capacity = new Option<string?>("--capacity")
        {
            Description = "Resources that replace the measured ones (cpu = processors, memory = MemTotal, pods = 110), e.g. cpu=4,memory=8Gi",
        };
        var heartbeatInterval = DurationOption.Create("--heartbeat-interval", "How often the agent heartbeats; keep it well inside the server's --heartbeat-grace (default 2s)");
        var pollInterval = DurationOption.Create("--poll-interval", "How often the agent reads the replicas placed on it (default 1s)");
        var stopGrace = DurationOption.Create("--stop-grace", "How long stopping a replica waits after SIGTERM before killing it (default 10s)");
        // For berth dev's children: stop (and stop the replicas) when stdin closes, i.e. when the parent died (ParentWatch).
        var exitWithStdin = new Option<bool>(ExitWithStdinOption) { Description = "Stop when standard input closes (used by berth dev)", Hidden = true };
        var simulate = new Option<int?>("--simulate")
        {
            Description = "Register this many hollow nodes named {--name}-0000 onwards that acknowledge replicas without running them (needs --capacity)",
        };
        var simulateZones = new Option<int?>("--simulate-zones")
        {
            Description = "With --simulate: spread the nodes round-robin over this many zones (topology.kubernetes.io/zone=zone-a, zone-b ...)",
        };
        var caCert = new Option<string?>("--ca-cert")
        {
            Description = "The cluster's CA certificate (ca.crt from 'berth tls init'): speak HTTPS to the servers, trusting only this CA, with a node certificate",
        };
        var bootstrapToken = new Option<string?>("--bootstrap-token")
        {
            Description = "One-time token ('berth node bootstrap-token create') to join with and get the node certificate, when --cert-dir holds no valid one",
        };
        var certDir = new Option<string?>("--cert-dir")
        {
            Description = "Where the node certificate and key are kept (node.crt, node.key), so a restarted agent reuses a still-valid certificate",
        };
        var command = new Command("agent", "Run a node agent: register this machine, heartbeat, run the replicas placed on it")
        {
            caCert,
            bootstrapToken,
            certDir,
            server,
            name,
            labels,
            capacity,
            heartbeatInterval,
            pollInterval,
            stopGrace,
            exitWithStdin,
            simulate,
            simulateZones,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            AgentOptions options;
            try
            {
                var (servers, source) = ServerText(parseResult.GetValue(server), Environment.GetEnvironmentVariable);
                options = Options(
                    servers,
                    parseResult.GetRequiredValue(name),
                    parseResult.GetValue(labels),
                    parseResult.GetValue(capacity),
                    parseResult.GetValue(heartbeatInterval),
                    parseResult.GetValue(pollInterval),
                    source);
                options = options with
                {
                    StopGrace = parseResult.GetValue(stopGrace) ?? options.StopGrace,
                    CaCertificatePath = parseResult.GetValue(caCert),
                    BootstrapToken = parseResult.GetValue(bootstrapToken),
                    CertificateDirectory = parseResult.GetValue(certDir),
                };
                options.Validate();
                ValidateSimulation(options, parseResult.GetValue(simulate), parseResult.GetValue(simulateZones));
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"error: {e.Message}");
                return Task.FromResult(Program.UsageError);
            }
            if (parseResult.GetValue(simulate) is { } count)
            {
                return RunHollowAsync(options, count, parseResult.GetValue(simulateZones) ?? 0, parseResult.InvocationConfiguration.Output, error, cancellationToken);
            }
            return RunAsync(options, parseResult.InvocationConfiguration.Output, error, cancellationToken,
                parseResult.GetValue(exitWithStdin) ? Console.OpenStandardInput() : null);
        });
        return command;
    }

    /// <summary>
    /// The server list to use and where it came from: <c>--server</c> when given, else the <c>BERTH_ADDR</c> environment
    /// variable (unlike other commands, no config file or default: an agent is pointed at its servers explicitly).
    /// </summary>
    /// <param name="flag">The <c>--server</c> value, or null.</param>
    /// <param name="environment">Reads environment variables (tests pass their own).</param>
    /// <exception cref="ArgumentException">Neither is set; the message names <c>--server</c>.</exception>
    public static (string Text, string Source) ServerText(string? flag, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (flag is not null)
        {
            return (flag, "--server");
        }
        var fromEnvironment = environment(ServerAddress.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (fromEnvironment, ServerAddress.EnvironmentVariable);
        }
        throw new ArgumentException(AgentMessages.ServerMissing(ServerAddress.EnvironmentVariable));
    }

    /// <summary>Builds the options from the command line's text (a null interval keeps the default).</summary>
    /// <param name="server">One server URL, or several comma-separated (<see cref="AgentOptions.ParseServers"/>).</param>
    /// <param name="name">The node name.</param>
    /// <param name="labels">The node labels, k=v,k=v.</param>
    /// <param name="capacity">Capacity overrides, k=v,k=v.</param>
    /// <param name="heartbeatInterval">The heartbeat interval; null keeps the default.</param>
    /// <param name="pollInterval">The poll interval; null keeps the default.</param>
    /// <param name="serverSource">Where <paramref name="server"/> came from, named in errors.</param>
    /// <exception cref="ArgumentException">A value cannot be used; the message names the option.</exception>
    public static AgentOptions Options(string server, string name, string? labels, string? capacity, TimeSpan? heartbeatInterval = null, TimeSpan? pollInterval = null, string serverSource = "--server")
    {
        var options = new AgentOptions
        {
            Servers = AgentOptions.ParseServers(server, serverSource),
            NodeName = name,
            Labels = Pairs("--labels", labels),
            CapacityOverride = Pairs("--capacity", capacity),
        };
        return options with
        {
            HeartbeatInterval = heartbeatInterval ?? options.HeartbeatInterval,
            PollInterval = pollInterval ?? options.PollInterval,
        };
    }

    /// <summary>Checks <c>--simulate</c> and <c>--simulate-zones</c> (both null: a real agent, nothing to check).</summary>
    /// <exception cref="ArgumentException">A value cannot be used, or <c>--capacity</c> is missing; the message names the option.</exception>
    public static void ValidateSimulation(AgentOptions options, int? simulate, int? zones)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (simulate is { } count)
        {
            if (options.CaCertificatePath is not null)
            {
                // Hollow nodes share one process and would each need their own token and certificate.
                throw new ArgumentException(Berth.Agent.Security.CredentialMessages.SimulateWithTls);
            }
            HollowNodes.Validate(options, count, zones ?? 0);
        }
        else if (zones is not null)
        {
            throw new ArgumentException(AgentMessages.ZonesWithoutSimulate);
        }
    }

    /// <summary>
    /// Runs <paramref name="count"/> hollow nodes until <paramref name="cancellationToken"/> (Ctrl+C). A server that cannot
    /// be reached at start is one line on <paramref name="error"/> and exit code 2, as for a real agent.
    /// </summary>
    public static async Task<int> RunHollowAsync(AgentOptions options, int count, int zones, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
        using var nodes = new HollowNodes(options, count, zones, loggers: loggers);
        try
        {
            if (await nodes.ProbeServerAsync(cancellationToken).ConfigureAwait(false) is { } unreachable)
            {
                await error.WriteLineAsync($"error: {AgentMessages.ServerUnreachable(ServerList(options), unreachable)}").ConfigureAwait(false);
                return Program.UsageError;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        var names = nodes.NodeNames;
        var capacity = string.Join(",", nodes.Capacity.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        await output.WriteLineAsync($"berth agent: {count} hollow nodes {names[0]}..{names[^1]} → {ServerList(options)} ({capacity} each); press Ctrl+C to stop").ConfigureAwait(false);
        await nodes.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Parses <c>k=v,k=v</c> (empty or null: none).</summary>
    /// <exception cref="ArgumentException">An entry is not key=value.</exception>
    public static IReadOnlyDictionary<string, string> Pairs(string option, string? text)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return pairs;
        }
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException(AgentMessages.InvalidPair(option, entry));
            }
            pairs[entry[..equals]] = entry[(equals + 1)..];
        }
        return pairs;
    }

    /// <summary>
    /// Runs the agent until <paramref name="cancellationToken"/> (Ctrl+C); its replicas are stopped on the way out. A server
    /// that cannot be reached at start is one line on <paramref name="error"/> and exit code 2 (a mistyped --server or a
    /// server not started yet); once joined, the agent keeps reconnecting through server restarts.
    /// </summary>
    /// <param name="parentStdin">When given, the agent stops once this stream closes (<see cref="ParentWatch"/>).</param>
    public static async Task<int> RunAsync(AgentOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken, Stream? parentStdin = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(error);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parentGone = Task.CompletedTask;
        if (parentStdin is not null)
        {
            parentGone = WatchParentAsync(parentStdin, stop);
        }
        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
        Berth.Agent.Security.NodeCredentials? credentials;
        try
        {
            credentials = Berth.Agent.Security.NodeCredentials.For(options, loggers: loggers);
            if (credentials is not null)
            {
                // With TLS the agent needs its node certificate before it can call anything but the join.
                await credentials.InitializeAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await parentGone.ConfigureAwait(false);
            return Program.UsageError;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await parentGone.ConfigureAwait(false);
            return 0;
        }
        using var owned = credentials;
        await using var agent = new AgentLoop(options, loggers: loggers, credentials: credentials);
        try
        {
            if (await agent.ProbeServerAsync(stop.Token).ConfigureAwait(false) is { } unreachable)
            {
                await error.WriteLineAsync($"error: {AgentMessages.ServerUnreachable(ServerList(options), unreachable)}").ConfigureAwait(false);
                return Program.UsageError;
            }
            var capacity = string.Join(",", agent.Capacity.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            await output.WriteLineAsync($"berth agent {options.NodeName} → {ServerList(options)} ({capacity}); press Ctrl+C to stop").ConfigureAwait(false);
            await agent.RunAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl+C or the parent died before the agent joined: nothing runs yet.
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await parentGone.ConfigureAwait(false);
        }
        return 0;
    }

    private static string ServerList(AgentOptions options) => string.Join(",", options.Servers);

    private static async Task WatchParentAsync(Stream stdin, CancellationTokenSource stop)
    {
        await ParentWatch.StdinClosedAsync(stdin, stop.Token).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
    }
}
