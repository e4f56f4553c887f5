using System.Collections.Concurrent;
using System.Globalization;
using Berth.Core.Fleet;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Agents;
using Berth.Server.Api;
using Berth.Server.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Server.Fleet;

/// <summary>
/// The <c>simulated</c> provider: hollow nodes inside this server that register with the node class's resources and
/// the cluster's <see cref="FleetLabels"/>, heartbeat, and report every replica placed on them Running without running
/// anything, so large fleets fit on one machine.
/// </summary>
/// <remarks>
/// They live in the server rather than in <c>berth agent --simulate</c> (Berth.Agent's hollow nodes), because the server
/// does not reference the agent and a node must be added one at a time under the name fleet placement chose. They call
/// the agent operations directly, as the gRPC service does for a real agent. One loop serves every node: each pass
/// heartbeats each node, reads its assignments, and reports Running the ones it has not reported at that workload
/// revision. A node the server forgot registers again. They end with the server; a new leader adds them again.
/// </remarks>
public sealed class SimulatedClusterProvider : IClusterProvider, IAsyncDisposable
{
    /// <summary>The default time between two passes over the nodes: well inside the default 15 s heartbeat grace.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    private readonly AgentOperations _agents;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, HollowNode> _nodes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private Task? _loop;

    /// <summary>Creates the provider; its loop starts with the first node.</summary>
    /// <param name="agents">The agent operations the nodes call.</param>
    /// <param name="interval">Time between passes; null for <see cref="DefaultInterval"/>.</param>
    /// <param name="logger">Where a pass's failures go.</param>
    public SimulatedClusterProvider(AgentOperations agents, TimeSpan? interval = null, ILogger<SimulatedClusterProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(agents);
        _agents = agents;
        _interval = interval ?? DefaultInterval;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Type => FleetProviderTypes.Simulated;

    /// <summary>The hollow nodes running now.</summary>
    public IReadOnlyCollection<string> NodeNames => [.. _nodes.Keys];

    /// <summary>What a node of <paramref name="resources"/> registers as allocatable, pods = 110 as a real agent.</summary>
    public static ResourceList Allocatable(NodeClassResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var items = new List<(string, string)>
        {
            (ResourceNames.Cpu, resources.Cores.ToString(CultureInfo.InvariantCulture)),
            (ResourceNames.Memory, resources.MemoryGi.ToString(CultureInfo.InvariantCulture) + "Gi"),
            (ResourceNames.EphemeralStorage, resources.StorageGi.ToString(CultureInfo.InvariantCulture) + "Gi"),
            (ResourceNames.Pods, "110"),
        };
        if (resources.Gpus > 0)
        {
            items.Add((ResourceNames.NvidiaGpu, resources.Gpus.ToString(CultureInfo.InvariantCulture)));
        }
        return ResourceList.Parse([.. items]);
    }

    /// <inheritdoc />
    public Task CreateClusterAsync(FleetCluster cluster, PoolSpec pool, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task AddNodeAsync(FleetCluster cluster, PoolSpec pool, NodeClassSpec nodeClass, string nodeName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(nodeClass);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var labels = LocalClusterProvider.NodeLabels(cluster, pool, nodeClass).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var node = new HollowNode(cluster.Name, new AgentRegistration(nodeName, labels, Allocatable(nodeClass.Resources)));
        await _agents.RegisterAsync(node.Registration, cancellationToken).ConfigureAwait(false);
        _nodes[nodeName] = node;
        lock (_lock)
        {
            _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public Task RemoveNodeAsync(FleetCluster cluster, string nodeName, CancellationToken cancellationToken)
    {
        _nodes.TryRemove(nodeName, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteClusterAsync(FleetCluster cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        foreach (var (name, node) in _nodes)
        {
            if (node.Cluster == cluster.Name)
            {
                _nodes.TryRemove(name, out _);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Runs one pass over every node now: heartbeat, then Running reports for new assignments (tests call it instead of waiting for the loop).</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, node) in _nodes)
        {
            try
            {
                await BeatAsync(name, node, cancellationToken).ConfigureAwait(false);
            }
            catch (AgentRequestException e)
            {
                FleetLog.SimulatedNodeFailed(_logger, name, e.Message);
            }
        }
    }

    /// <summary>Stops the loop; the nodes stop heartbeating and turn NotReady as any stopped machine.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_lock)
        {
            loop = _loop;
        }
        if (loop is not null)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _nodes.Clear();
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            do
            {
                await PassAsync(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task BeatAsync(string name, HollowNode node, CancellationToken ct)
    {
        try
        {
            await _agents.HeartbeatAsync(name, ct).ConfigureAwait(false);
        }
        catch (AgentRequestException e) when (e.Fault == AgentFault.UnknownNode)
        {
            // The server forgot the node (its record was removed): a real agent registers again, so does this one.
            await _agents.RegisterAsync(node.Registration, ct).ConfigureAwait(false);
            node.Reported.Clear();
        }
        var assignments = await _agents.AssignmentsAsync(name, ct).ConfigureAwait(false);
        var current = new HashSet<(string, long)>();
        foreach (var assignment in assignments.Assignments)
        {
            var state = assignment.Assignment.State;
            if (state is not (AssignmentState.Pending or AssignmentState.Running))
            {
                continue;
            }
            var held = (assignment.Key, assignment.WorkloadRevision);
            current.Add(held);
            if (state == AssignmentState.Pending || !node.Reported.Contains(held))
            {
                var report = new AgentStatusReport(assignment.Assignment.Workload.ToString(), assignment.Assignment.Replica, AgentReplicaState.Running, WorkloadRevision: assignment.WorkloadRevision);
                await _agents.ReportAsync(name, report, ct).ConfigureAwait(false);
                node.Reported.Add(held);
            }
        }
        // What left the set is forgotten, so a replica placed here again is reported again.
        node.Reported.IntersectWith(current);
    }

    private sealed class HollowNode(string cluster, AgentRegistration registration)
    {
        public string Cluster { get; } = cluster;

        public AgentRegistration Registration { get; } = registration;

        public HashSet<(string Key, long Revision)> Reported { get; } = [];
    }
}
