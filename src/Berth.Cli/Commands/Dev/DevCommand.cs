using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Berth.Cli.Commands.Agent;
using Berth.Cli.Commands.Client;
using Berth.Core.Labels;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Commands.Dev;

/// <summary>
/// <c>berth dev [--port 7070] [--data DIR] [--keep-data]</c>: a control plane on 127.0.0.1 over a fresh embedded store,
/// plus three agents (<c>dev-1..3</c> in zones a, b and c) as child processes; waits until they are Ready, prints
/// where to look and what to try, and runs until Ctrl+C or SIGTERM, which stops the agents with their replicas and
/// then the server.
/// </summary>
/// <remarks>
/// The server runs in this process (<see cref="ServerHost"/>), not as a fourth child: its bound address is known
/// directly (even with <c>--port 0</c>), a port already in use fails before any agent starts, there is one process
/// fewer to lose, and Ctrl+C stops it through the same token as everything else. The agents are separate processes
/// because that is what they are in production and because killing one is how a user sees a node get lost.
/// Every line in the terminal is prefixed with its source (<c>server |</c>, <c>dev-1 |</c> ...), like
/// <c>docker compose up</c>: the dev terminal is where a user watches what happens, and log files would vanish with
/// the temporary data directory.
/// </remarks>
public static class DevCommand
{
    /// <summary>The manifest the printed example applies.</summary>
    public const string ExampleManifest = "examples/workloads/ticker.yaml";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var port = new Option<int>("--port")
        {
            Description = "Port of the API on 127.0.0.1; 0 picks a free one",
            DefaultValueFactory = _ => DevOptions.DefaultPort,
        };
        var data = new Option<string?>("--data")
        {
            Description = "Use (and keep) this data directory instead of a fresh temporary one",
        };
        var keepData = new Option<bool>("--keep-data")
        {
            Description = "Keep the temporary data directory on exit (it is removed otherwise)",
        };
        var command = new Command("dev", "Run a local cluster: a control plane with a fresh store and three agents in three zones, until Ctrl+C")
        {
            port,
            data,
            keepData,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new DevOptions
            {
                Port = parseResult.GetValue(port),
                DataDirectory = parseResult.GetValue(data),
                KeepData = parseResult.GetValue(keepData),
            },
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Runs the local cluster until <paramref name="cancellationToken"/>; 0 after a normal stop, 1 when the agents never became Ready, 2 for unusable options.</summary>
    public static async Task<int> RunAsync(DevOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Agents' lines arrive on their own threads.
        output = TextWriter.Synchronized(output);
        error = TextWriter.Synchronized(error);
        if (options.Port is < 0 or > IPEndPoint.MaxPort)
        {
            await error.WriteLineAsync($"error: {DevMessages.BadPort(options.Port)}").ConfigureAwait(false);
            return Program.UsageError;
        }

        bool temporary = options.DataDirectory is null;
        string dataDirectory;
        try
        {
            dataDirectory = temporary
                ? Directory.CreateTempSubdirectory("berth-dev-").FullName
                : Directory.CreateDirectory(options.DataDirectory!).FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await error.WriteLineAsync($"error: {DevMessages.DataDirectoryFailed(options.DataDirectory ?? Path.GetTempPath(), e.Message)}").ConfigureAwait(false);
            return Program.UsageError;
        }
        bool removeOnExit = temporary && !options.KeepData;
        await output.WriteLineAsync(DevMessages.DataDirectory(dataDirectory, removeOnExit)).ConfigureAwait(false);

        int code;
        try
        {
            code = await RunClusterAsync(options, dataDirectory, output, error, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (removeOnExit)
            {
                try
                {
                    Directory.Delete(dataDirectory, recursive: true);
                    await output.WriteLineAsync(DevMessages.DataRemoved(dataDirectory)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync(DevMessages.DataRemoveFailed(dataDirectory, e.Message)).ConfigureAwait(false);
                }
            }
            else
            {
                await output.WriteLineAsync(DevMessages.DataKept(dataDirectory)).ConfigureAwait(false);
            }
        }
        return code;
    }

    private static async Task<int> RunClusterAsync(DevOptions options, string dataDirectory, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var serverOptions = new ServerOptions
        {
            Listen = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{options.Port}"),
            DataDirectory = dataDirectory,
            // The local fleet provider starts this same berth as its agents, as berth dev does.
            AgentCommand = BerthExecutable.Current().AgentCommandLine(),
        };
        ServerHost host;
        try
        {
            host = await ServerHost.StartAsync(serverOptions, ServerLogging(output), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ServerOptionsException or StoreUnavailableException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Program.UsageError;
        }
        catch (IOException e)
        {
            // Kestrel's "address already in use" is an IOException.
            await error.WriteLineAsync($"error: {DevMessages.PortInUse(options.Port, e.Message)}").ConfigureAwait(false);
            return Program.UsageError;
        }

        await using (host.ConfigureAwait(false))
        {
            var agents = new List<AgentChildProcess>();
            bool running = false;
            // A safety net for exits that skip the finally below (System.CommandLine gives up waiting on a slow
            // shutdown after a while and returns from Main): no agent or replica outlives berth dev.
            EventHandler killOnExit = (_, _) => StopAll(agents);
            AppDomain.CurrentDomain.ProcessExit += killOnExit;
            // Ctrl+C and SIGTERM also reach the server's host, which stops listening at once: the agents go first, so
            // they are not left polling a server that is gone.
            using var stopOnCancel = cancellationToken.Register(() => StopAll(agents));
            try
            {
                var executable = BerthExecutable.Current();
                for (int i = 0; i < DevOptions.Zones.Count; i++)
                {
                    var name = DevOptions.AgentName(i);
                    try
                    {
                        var started = AgentChildProcess.Start(executable, name, AgentArguments(host.Address, name, DevOptions.Zones[i]), output, agent =>
                        {
                            if (Volatile.Read(ref running))
                            {
                                output.WriteLine(DevMessages.AgentExited(agent.Name, agent.ExitCode));
                            }
                        });
                        lock (agents)
                        {
                            agents.Add(started);
                        }
                    }
                    catch (Win32Exception e)
                    {
                        await error.WriteLineAsync($"error: {DevMessages.AgentStartFailed(name, executable.FileName, e.Message)}").ConfigureAwait(false);
                        return 1;
                    }
                }

                if (!await WaitUntilReadyAsync(host.Address, agents, options.ReadyTimeout, error, cancellationToken).ConfigureAwait(false))
                {
                    return cancellationToken.IsCancellationRequested ? 0 : 1;
                }
                Volatile.Write(ref running, true);
                await PrintReadyAsync(host.Address, agents, output).ConfigureAwait(false);

                try
                {
                    await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM: stop below.
                }
                return 0;
            }
            finally
            {
                Volatile.Write(ref running, false);
                // Agents first, so no replica runs on after the server that placed it is gone.
                StopAll(agents);
                agents.ForEach(a => a.Dispose());
                AppDomain.CurrentDomain.ProcessExit -= killOnExit;
            }
        }
    }

    private static Action<ILoggingBuilder> ServerLogging(TextWriter output) => logging => logging
        .ClearProviders()
        .AddProvider(new PrefixedLogWriter(output, "server", LogLevel.Information))
        // The host's start-up chatter (environment, content root, "press Ctrl+C") repeats what berth dev prints itself.
        .AddFilter("Microsoft", LogLevel.Warning)
        // A failed start (e.g. the port is taken) is told in one line by berth dev; the host would add a stack trace.
        .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

    private static void StopAll(List<AgentChildProcess> agents)
    {
        lock (agents)
        {
            foreach (var agent in agents)
            {
                agent.Stop();
            }
        }
    }

    /// <summary>The <c>berth agent</c> options of one dev agent.</summary>
    public static IReadOnlyList<string> AgentArguments(Uri server, string name, string zone) =>
    [
        "--server", server.ToString(),
        "--name", name,
        "--labels", $"{WellKnownLabels.Zone}={zone}",
        "--capacity", DevOptions.AgentCapacity,
        // Its stdin pipe closes when berth dev dies, even by SIGKILL: the agent then stops with its replicas.
        AgentCommand.ExitWithStdinOption,
    ];

    private static async Task<bool> WaitUntilReadyAsync(Uri address, IReadOnlyList<AgentChildProcess> agents, TimeSpan timeout, TextWriter error, CancellationToken cancellationToken)
    {
        using var client = new BerthClient(address);
        var clock = Stopwatch.StartNew();
        var missing = agents.Select(a => a.Name).ToList();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (agents.FirstOrDefault(a => a.HasExited) is { } dead)
            {
                await error.WriteLineAsync($"error: {DevMessages.AgentExitedBeforeReady(dead.Name, dead.ExitCode)}").ConfigureAwait(false);
                return false;
            }
            try
            {
                var nodes = BerthClient.Read<NodeView[]>(await client.GetAsync("v1/nodes", cancellationToken).ConfigureAwait(false));
                var ready = nodes.Where(n => n.Status.Ready).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
                missing = agents.Select(a => a.Name).Where(n => !ready.Contains(n)).ToList();
                if (missing.Count == 0)
                {
                    return true;
                }
            }
            catch (ClientException)
            {
                // The server is in this process and already listening; a failed read is retried like a missing node.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            if (clock.Elapsed > timeout)
            {
                await error.WriteLineAsync($"error: {DevMessages.NotReadyInTime(timeout, missing)}").ConfigureAwait(false);
                return false;
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        return false;
    }

    private static async Task PrintReadyAsync(Uri address, IReadOnlyList<AgentChildProcess> agents, TextWriter output)
    {
        var nodes = agents.Select((a, i) => $"{a.Name} ({DevOptions.Zones[i]})");
        var berth = BerthExecutable.Current().DisplayName(Environment.CurrentDirectory, Environment.GetEnvironmentVariable("PATH"));
        var lines = new List<string> { "", DevMessages.Ready(address, nodes), DevMessages.Dashboard(address), DevMessages.TryThese };
        // Clients find the default address by themselves; any other port has to be named once.
        var apiAddress = address.GetLeftPart(UriPartial.Authority);
        if (!string.Equals(apiAddress, ServerAddress.Default, StringComparison.Ordinal))
        {
            lines.Add(DevMessages.ExportAddress(apiAddress));
        }
        lines.Add($"  {berth} apply -f {ExampleManifest}");
        lines.Add($"  {berth} get replicas");
        lines.Add($"  {berth} get events -w");
        lines.Add(DevMessages.HowToStop);
        lines.Add("");
        await output.WriteAsync(string.Join(Environment.NewLine, lines) + Environment.NewLine).ConfigureAwait(false);
    }
}
