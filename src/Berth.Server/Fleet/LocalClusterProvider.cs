using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Berth.Core.Fleet;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Server.Fleet;

/// <summary>
/// The <c>local</c> provider: each node is a real <c>berth agent</c> process on this machine (the server's own
/// executable, <see cref="ServerOptions.AgentCommand"/>), registering with this server under the node's name, with the
/// node class's resources as its capacity and the cluster's <see cref="FleetLabels"/>. It keeps the processes it
/// started and stops them (with the replicas they run) when a node is removed, a cluster deleted, or the server stops.
/// </summary>
/// <remarks>
/// Agents are started with <c>--exit-with-stdin</c> and this process holding their standard input, so they end even
/// when the server is killed and cannot stop them. Nodes are by name: adding a node whose agent runs does nothing;
/// removing one that is not running does nothing. Processes are not adopted across server restarts (they ended with
/// the server); a new leader starts the nodes of its clusters again when asked to.
/// </remarks>
public sealed class LocalClusterProvider : IClusterProvider, IDisposable
{
    // How long a stopped agent (and its replicas) get to go before the stop returns anyway.
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    private readonly AgentCommandLine? _command;
    private readonly Func<Uri?> _server;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Agent> _agents = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Creates the provider.</summary>
    /// <param name="command">How to start <c>berth agent</c>; null makes <see cref="AddNodeAsync"/> fail with a message saying so.</param>
    /// <param name="server">The REST address agents register with, read when a node starts (the bound address is known only after start).</param>
    /// <param name="logger">Where agent starts, stops and output (at Debug) go.</param>
    public LocalClusterProvider(AgentCommandLine? command, Func<Uri?> server, ILogger<LocalClusterProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        _command = command;
        _server = server;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Type => FleetProviderTypes.Local;

    /// <summary>
    /// Extra agent arguments made for each node start, e.g. <c>--ca-cert ca.crt --bootstrap-token T</c> when the server
    /// has TLS (a token is used once, so each start needs its own); null: none.
    /// </summary>
    public Func<CancellationToken, Task<IReadOnlyList<string>>>? AgentCredentials { get; init; }

    /// <summary>The process ids of the running agents by node name.</summary>
    public IReadOnlyDictionary<string, int> ProcessIds => _agents.ToDictionary(p => p.Key, p => p.Value.Process.Id, StringComparer.Ordinal);

    /// <summary>The agent's command line for a node: its name, the server, its labels and its capacity.</summary>
    public static IReadOnlyList<string> AgentArguments(Uri server, FleetCluster cluster, PoolSpec pool, NodeClassSpec nodeClass, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(nodeClass);
        var labels = string.Join(",", NodeLabels(cluster, pool, nodeClass).Select(p => $"{p.Key}={p.Value}"));
        return ["agent", "--server", server.ToString(), "--name", nodeName, "--labels", labels, "--capacity", Capacity(nodeClass.Resources), "--exit-with-stdin"];
    }

    /// <summary>The labels every node of <paramref name="cluster"/> carries (<see cref="FleetLabels"/>), in a fixed order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> NodeLabels(FleetCluster cluster, PoolSpec pool, NodeClassSpec nodeClass)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(nodeClass);
        return
        [
            new(FleetLabels.Region, pool.Region),
            new(FleetLabels.Pool, pool.Name),
            new(FleetLabels.Cluster, cluster.Name),
            new(FleetLabels.NodeClass, nodeClass.Name),
        ];
    }

    /// <summary>A node class's resources as agent capacity: <c>cpu=4,memory=16Gi,ephemeral-storage=100Gi</c>, plus GPUs when it has any.</summary>
    public static string Capacity(NodeClassResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{ResourceNames.Cpu}={resources.Cores},{ResourceNames.Memory}={resources.MemoryGi}Gi,{ResourceNames.EphemeralStorage}={resources.StorageGi}Gi");
        return resources.Gpus > 0 ? string.Create(CultureInfo.InvariantCulture, $"{text},{ResourceNames.NvidiaGpu}={resources.Gpus}") : text;
    }

    /// <inheritdoc />
    public Task CreateClusterAsync(FleetCluster cluster, PoolSpec pool, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The server was not told how to start agents, or the program could not be started.</exception>
    public async Task AddNodeAsync(FleetCluster cluster, PoolSpec pool, NodeClassSpec nodeClass, string nodeName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_agents.TryGetValue(nodeName, out var running) && !running.Process.HasExited)
        {
            return;
        }
        if (_command is null || _server() is not { } server)
        {
            throw new InvalidOperationException(FleetMessages.NoAgentCommand(nodeName));
        }
        // With TLS each agent gets a fresh one-time bootstrap token and the CA, and joins for its node certificate.
        IReadOnlyList<string> credentials = AgentCredentials is null ? [] : await AgentCredentials(cancellationToken).ConfigureAwait(false);
        var info = new ProcessStartInfo(_command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in _command.LeadingArguments.Concat(AgentArguments(server, cluster, pool, nodeClass, nodeName)).Concat(credentials))
        {
            info.ArgumentList.Add(argument);
        }
        // A BERTH_ADDR of whoever started the server must not point the agent elsewhere; --server is explicit anyway.
        info.Environment.Remove("BERTH_ADDR");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var agent = new Agent(cluster.Name, process);
        process.OutputDataReceived += (_, e) => Output(nodeName, e.Data);
        process.ErrorDataReceived += (_, e) => Output(nodeName, e.Data);
        process.Exited += (_, _) =>
        {
            if (Volatile.Read(ref agent.Stopping) == 0)
            {
                FleetLog.AgentExited(_logger, nodeName, cluster.Name, SafeExitCode(process));
            }
        };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException(FleetMessages.AgentStartFailed(nodeName, _command.FileName, e.Message), e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (_agents.TryGetValue(nodeName, out var previous))
        {
            // An agent that had exited: its handle is released before the new one takes its place.
            previous.Process.Dispose();
        }
        _agents[nodeName] = agent;
        FleetLog.AgentStarted(_logger, nodeName, cluster.Name, process.Id);
    }

    /// <inheritdoc />
    public async Task RemoveNodeAsync(FleetCluster cluster, string nodeName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (_agents.TryRemove(nodeName, out var agent))
        {
            await StopAsync(agent, cancellationToken).ConfigureAwait(false);
            FleetLog.AgentStopped(_logger, nodeName, cluster.Name);
        }
    }

    /// <inheritdoc />
    public async Task DeleteClusterAsync(FleetCluster cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        // Nodes are removed before this is called; any left (a record that lost a node name) go too.
        foreach (var (node, agent) in _agents.Where(p => p.Value.Cluster == cluster.Name).ToList())
        {
            if (_agents.TryRemove(node, out _))
            {
                await StopAsync(agent, cancellationToken).ConfigureAwait(false);
                FleetLog.AgentStopped(_logger, node, cluster.Name);
            }
        }
    }

    /// <summary>Stops every agent this provider started, with their replicas (the server is stopping).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        var stops = new List<Task>();
        foreach (var node in _agents.Keys.ToList())
        {
            if (_agents.TryRemove(node, out var agent))
            {
                stops.Add(StopAsync(agent, CancellationToken.None));
            }
        }
        Task.WaitAll(stops);
    }

    private static async Task StopAsync(Agent agent, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref agent.Stopping, 1);
        try
        {
            if (!agent.Process.HasExited)
            {
                // The whole tree: an agent killed alone would leave its replicas running with no one to stop them.
                agent.Process.Kill(entireProcessTree: true);
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(StopWait);
            await agent.Process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException or OperationCanceledException)
        {
            // Already gone, never started, or slow to go after SIGKILL: nothing more this can do.
        }
        finally
        {
            agent.Process.Dispose();
        }
    }

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private void Output(string node, string? line)
    {
        if (line is not null)
        {
            FleetLog.AgentOutput(_logger, node, line);
        }
    }

    private sealed class Agent(string cluster, Process process)
    {
        public int Stopping;

        public string Cluster { get; } = cluster;

        public Process Process { get; } = process;
    }
}
