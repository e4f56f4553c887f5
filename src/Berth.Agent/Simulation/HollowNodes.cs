using System.Diagnostics;
using System.Globalization;
using Berth.Agent.Supervision;
using Berth.Protocol.Agent.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Agent.Simulation;

/// <summary>
/// <c>berth agent --simulate N</c>: N hollow nodes (as Kubernetes' kwok) that register, heartbeat with an inventory and
/// acknowledge the replicas placed on them as Running without starting any process, so thousands of nodes fit on one
/// machine and the control plane can be measured at scale.
/// </summary>
/// <remarks>
/// They speak the real protocol (proto/agent.proto), over one gRPC channel per server. Each node keeps one WatchAssignments stream
/// (an async call, no thread); every Pending or Running assignment of a workload revision it does not hold yet is
/// reported Running at once and joins its inventory, so a repeated set reports nothing twice (idempotent by workload,
/// replica and workload revision, as <see cref="ReplicaSupervisor"/>); an assignment that leaves the set, or turns
/// Failed/Stopped/Succeeded, leaves the inventory. One loop sends every node's heartbeat, spread evenly over
/// <see cref="AgentOptions.HeartbeatInterval"/> so the server never gets all N at once. A node the server does not know
/// (NOT_FOUND) registers again. Each node fails over on its own, as a real agent does (<see cref="ServerRotation"/>):
/// when its stream breaks, or a call or a heartbeat finds the server unavailable, it registers and watches on the next
/// server of <see cref="AgentOptions.Servers"/> at once, keeping what it holds, and waits (jittered, capped) only after
/// every server failed in a row; a stream ended for another reason watches again after about
/// <see cref="AgentOptions.PollInterval"/>.
/// </remarks>
public sealed class HollowNodes : IDisposable
{
    /// <summary>The label a node's zone goes in with <c>--simulate-zones</c>.</summary>
    public const string ZoneLabel = "topology.kubernetes.io/zone";

    // Registrations and heartbeats in flight at once: enough to keep up with thousands of nodes, few enough that a
    // start does not open thousands of calls together.
    private const int MaxRegistrations = 16;
    private const int MaxBeats = 64;

    private readonly AgentOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly IReadOnlyDictionary<string, string> _capacity;
    private readonly Node[] _nodes;
    private readonly SemaphoreSlim _registrations = new(MaxRegistrations, MaxRegistrations);
    private readonly SemaphoreSlim _beats = new(MaxBeats, MaxBeats);
    private long _heartbeats;
    private long _reports;

    /// <summary>Creates <paramref name="count"/> hollow nodes named <c>{NodeName}-0000</c> onwards; nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="options">Server, base name, labels, capacity (<see cref="AgentOptions.CapacityOverride"/> is required) and intervals.</param>
    /// <param name="count">How many nodes.</param>
    /// <param name="zones">When positive, node i gets <see cref="ZoneLabel"/> = zone-a, zone-b ... round-robin over this many zones.</param>
    /// <param name="http">The client for <c>GET /v1/info</c> (its base address is ignored); null creates one.</param>
    /// <param name="loggers">Where failures are logged.</param>
    /// <exception cref="ArgumentException">An option cannot be used; the message names it.</exception>
    public HollowNodes(AgentOptions options, int count, int zones = 0, HttpClient? http = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options, count, zones);
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<HollowNodes>();
        // pods as a real agent has it unless given: a node without a pods entry would fit no replica at all.
        _capacity = MachineCapacity.Apply(
            new Dictionary<string, string> { [Core.Resources.ResourceNames.Pods] = MachineCapacity.DefaultPods.ToString(CultureInfo.InvariantCulture) },
            options.CapacityOverride);
        int width = Math.Max(4, (count - 1).ToString(CultureInfo.InvariantCulture).Length);
        _nodes = new Node[count];
        for (int i = 0; i < count; i++)
        {
            var labels = new Dictionary<string, string>(options.Labels, StringComparer.Ordinal);
            if (zones > 0)
            {
                labels[ZoneLabel] = ZoneName(i % zones);
            }
            _nodes[i] = new Node(options.NodeName + "-" + i.ToString("D" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), labels);
        }
    }

    /// <summary>Throws when hollow nodes cannot start with these options; the message names the option.</summary>
    /// <exception cref="ArgumentException"><paramref name="count"/> is not positive, <c>--capacity</c> is missing, the zones are out of range, or <paramref name="options"/> is invalid.</exception>
    public static void Validate(AgentOptions options, int count, int zones)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (count < 1)
        {
            throw new ArgumentException(AgentMessages.NotPositive("--simulate", count.ToString(CultureInfo.InvariantCulture)));
        }
        if (zones is < 0 or > 26)
        {
            throw new ArgumentException(AgentMessages.InvalidSimulateZones(zones));
        }
        if (options.CapacityOverride.Count == 0)
        {
            throw new ArgumentException(AgentMessages.SimulateNeedsCapacity(count));
        }
        options.Validate();
        // The longest generated name must be a valid node name too.
        (options with { NodeName = options.NodeName + "-" + new string('9', Math.Max(4, (count - 1).ToString(CultureInfo.InvariantCulture).Length)) }).Validate();
    }

    /// <summary>The zone name of zone index <paramref name="zone"/>: zone-a, zone-b ...</summary>
    public static string ZoneName(int zone) => "zone-" + (char)('a' + zone);

    /// <summary>The nodes' names, in order.</summary>
    public IReadOnlyList<string> NodeNames => Array.ConvertAll(_nodes, n => n.Name);

    /// <summary>What every node registers as allocatable: <see cref="AgentOptions.CapacityOverride"/>, with pods = <see cref="MachineCapacity.DefaultPods"/> unless given.</summary>
    public IReadOnlyDictionary<string, string> Capacity => _capacity;

    /// <summary>How many nodes the server has accepted (and not lost since).</summary>
    public int RegisteredCount => _nodes.Count(n => n.Registered);

    /// <summary>How many replicas all nodes hold (acknowledged Running and in their inventories).</summary>
    public int InventoryCount => _nodes.Sum(n => n.InventoryCount);

    /// <summary>How many heartbeats the server answered.</summary>
    public long HeartbeatsSent => Interlocked.Read(ref _heartbeats);

    /// <summary>How many Running reports the server answered.</summary>
    public long ReportsSent => Interlocked.Read(ref _reports);

    /// <summary>Asks the server once for its gRPC address, so a command can refuse to start against a server that is not there.</summary>
    /// <returns>Null when the server answered; otherwise why it could not be reached, one line.</returns>
    /// <remarks>With several servers, one that answers is enough.</remarks>
    public async Task<string?> ProbeServerAsync(CancellationToken cancellationToken) =>
        (await AgentLoop.ProbeAnyAsync(_http, _options.Servers, cancellationToken).ConfigureAwait(false)).Error;

    /// <summary>How many nodes are registered with the server at <paramref name="server"/> (a REST address of <see cref="AgentOptions.Servers"/>).</summary>
    public int RegisteredWith(Uri server) => _nodes.Count(n => n.Registered && n.Server == server);

    /// <summary>Runs every node until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var channels = new ServerChannels(_http);
        try
        {
            var nodes = _nodes.Select(n => NodeLoopAsync(n, channels, cancellationToken)).ToList();
            nodes.Add(HeartbeatLoopAsync(cancellationToken));
            await Task.WhenAll(nodes).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Beats still in flight end with the token; wait for them before the channels go.
            for (int i = 0; i < MaxBeats; i++)
            {
                await _beats.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            _beats.Release(MaxBeats);
        }
    }

    /// <summary>Releases the HTTP client when this instance created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
        _registrations.Dispose();
        _beats.Dispose();
    }

    // One node's sessions: on its current server, register, then follow the assignment stream until it breaks (or a
    // heartbeat finds the server unavailable and ends the session); then the rotation says where and when to go next.
    private async Task NodeLoopAsync(Node node, ServerChannels channels, CancellationToken ct)
    {
        var rotation = ServerRotation.For(_options);
        while (!ct.IsCancellationRequested)
        {
            var server = rotation.Current;
            node.Server = server;
            ServerChannels.Connection? connection = null;
            TimeSpan wait;
            using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
            try
            {
                connection = await channels.GetAsync(server, ct).ConfigureAwait(false);
                var client = connection.Client;
                await RegisterAsync(node, client, session.Token).ConfigureAwait(false);
                rotation.Joined();
                node.Attach(client, session);
                using var call = client.WatchAssignments(new WatchAssignmentsRequest { Node = node.Name }, cancellationToken: session.Token);
                await foreach (var set in call.ResponseStream.ReadAllAsync(session.Token).ConfigureAwait(false))
                {
                    await ApplyAsync(node, set, client, session.Token).ConfigureAwait(false);
                }
                throw new RpcException(new Status(StatusCode.Unavailable, AgentMessages.StreamEnded));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (ct.IsCancellationRequested && e.StatusCode == StatusCode.Cancelled)
            {
                return;
            }
            catch (Exception e) when (AgentLoop.IsTransient(e) || e is OperationCanceledException)
            {
                // A session a heartbeat ended fails for the heartbeat's reason, not for the cancellation it caused.
                var reason = node.Detach() ?? e;
                wait = AgentLoop.EndSession(_logger, node.Name, rotation, server, reason);
                if (connection is not null && AgentLoop.IsServerFailure(reason))
                {
                    // The server may come back on another gRPC port: ask its /v1/info again next time.
                    channels.Forget(server, connection);
                }
            }
            node.Detach();
            node.Registered = false;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RegisterAsync(Node node, AgentService.AgentServiceClient client, CancellationToken ct)
    {
        var registration = new RegisterRequest { Name = node.Name };
        registration.Labels.Add(node.Labels);
        registration.Allocatable.Add(new Dictionary<string, string>(_capacity));
        await _registrations.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await client.RegisterAsync(registration, deadline: AgentLoop.Deadline(), cancellationToken: ct).ConfigureAwait(false);
        }
        finally
        {
            _registrations.Release();
        }
        node.Registered = true;
    }

    // Acknowledges what is new in the set as Running and forgets what left it. A report the server does not answer
    // stays unacknowledged and is sent again with a later set (the server re-sends sets periodically).
    private async Task ApplyAsync(Node node, AssignmentSet set, AgentService.AgentServiceClient client, CancellationToken ct)
    {
        var wanted = new Dictionary<(string Workload, int Replica), long>();
        foreach (var replica in AgentLoop.ToDesired(set))
        {
            if (replica.State is DesiredReplicaState.Pending or DesiredReplicaState.Running)
            {
                wanted[(replica.Workload, replica.Replica)] = replica.WorkloadRevision;
            }
        }
        var missing = node.Keep(wanted);
        foreach (var (key, revision) in missing)
        {
            var report = new StatusReport { Node = node.Name, Workload = key.Workload, Replica = key.Replica, State = ReplicaState.Running, WorkloadRevision = revision };
            try
            {
                await client.ReportStatusAsync(report, deadline: AgentLoop.Deadline(), cancellationToken: ct).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                // The server will never take this report: count it held, so it is not sent again and again.
                AgentLog.CallFailed(_logger, node.Name, "report", e.Status.Detail);
            }
            catch (RpcException e) when (!ct.IsCancellationRequested && e.StatusCode is StatusCode.Aborted or StatusCode.DeadlineExceeded or StatusCode.Unavailable)
            {
                AgentLog.CallFailed(_logger, node.Name, "report", e.Status.Detail);
                return;
            }
            Interlocked.Increment(ref _reports);
            node.Hold(key, revision);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        var interval = _options.HeartbeatInterval;
        var clock = Stopwatch.StartNew();
        var cycle = TimeSpan.Zero;
        while (!ct.IsCancellationRequested)
        {
            for (int i = 0; i < _nodes.Length; i++)
            {
                // Node i beats at its own offset in the interval, so N beats arrive spread out, not in one burst.
                var due = cycle + (interval * i / _nodes.Length);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                }
                var node = _nodes[i];
                if (!node.Registered || node.Client is not { } client)
                {
                    continue;
                }
                await _beats.WaitAsync(ct).ConfigureAwait(false);
                _ = BeatAsync(node, client, ct);
            }
            cycle += interval;
            var rest = cycle - clock.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, ct).ConfigureAwait(false);
            }
            else
            {
                // Behind (a slow server): start the next round now rather than firing the missed ones in a burst.
                cycle = clock.Elapsed;
            }
        }
    }

    private async Task BeatAsync(Node node, AgentService.AgentServiceClient client, CancellationToken ct)
    {
        try
        {
            var request = new HeartbeatRequest { Node = node.Name, Inventory = node.Inventory() };
            await client.HeartbeatAsync(request, deadline: AgentLoop.Deadline(), cancellationToken: ct).ConfigureAwait(false);
            Interlocked.Increment(ref _heartbeats);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && !ct.IsCancellationRequested)
        {
            // The server lost the node: register it again (its stream goes on, or reconnects by itself).
            try
            {
                await RegisterAsync(node, client, ct).ConfigureAwait(false);
            }
            catch (Exception again) when (AgentLoop.IsTransient(again) || again is OperationCanceledException)
            {
                node.Registered = false;
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && !ct.IsCancellationRequested)
        {
            // The server (or the way to it) is gone: end the node's session, so it moves to its next server.
            node.Fail(client, e);
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            AgentLog.CallFailed(_logger, node.Name, "heartbeat", e.Status.Detail);
        }
        catch (Exception e) when (ct.IsCancellationRequested && (e is OperationCanceledException or RpcException))
        {
        }
        finally
        {
            _beats.Release();
        }
    }

    // One hollow node: its name, labels, the replicas it acknowledged (its inventory), and its session (the server's
    // client, and how to end the session). The lock guards the inventory between its stream (which changes it) and the
    // heartbeat loop (which reads it), and the session between the node's loop and a failing heartbeat.
    private sealed class Node(string name, Dictionary<string, string> labels)
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<(string Workload, int Replica), long> _held = [];
        private volatile bool _registered;
        private volatile AgentService.AgentServiceClient? _client;
        private volatile Uri? _server;
        private CancellationTokenSource? _session;
        private Exception? _failure;

        public string Name { get; } = name;

        public AgentService.AgentServiceClient? Client => _client;

        public Uri? Server
        {
            get => _server;
            set => _server = value;
        }

        // The session on client runs until session is cancelled.
        public void Attach(AgentService.AgentServiceClient client, CancellationTokenSource session)
        {
            lock (_lock)
            {
                _client = client;
                _session = session;
                _failure = null;
            }
        }

        // Ends the session on client (if it is still the current one) because of failure.
        public void Fail(AgentService.AgentServiceClient client, Exception failure)
        {
            CancellationTokenSource? session;
            lock (_lock)
            {
                if (_session is null || !ReferenceEquals(_client, client))
                {
                    return;
                }
                _failure = failure;
                session = _session;
                _session = null;
            }
            try
            {
                // Outside the lock: cancelling runs the stream's callbacks.
                session.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The session ended meanwhile by itself.
            }
        }

        // Forgets the session; returns why a heartbeat ended it, if one did.
        public Exception? Detach()
        {
            lock (_lock)
            {
                var failure = _failure;
                _client = null;
                _session = null;
                _failure = null;
                return failure;
            }
        }

        public Dictionary<string, string> Labels { get; } = labels;

        public bool Registered
        {
            get => _registered;
            set => _registered = value;
        }

        public int InventoryCount
        {
            get
            {
                lock (_lock)
                {
                    return _held.Count;
                }
            }
        }

        // Drops what the set no longer wants (or wants at another revision); returns what it wants that is not held.
        public List<KeyValuePair<(string Workload, int Replica), long>> Keep(Dictionary<(string Workload, int Replica), long> wanted)
        {
            lock (_lock)
            {
                foreach (var key in _held.Keys.ToList())
                {
                    if (!wanted.TryGetValue(key, out var revision) || revision != _held[key])
                    {
                        _held.Remove(key);
                    }
                }
                return wanted.Where(w => !_held.ContainsKey(w.Key)).ToList();
            }
        }

        public void Hold((string Workload, int Replica) key, long revision)
        {
            lock (_lock)
            {
                _held[key] = revision;
            }
        }

        public Inventory Inventory()
        {
            var inventory = new Inventory();
            lock (_lock)
            {
                foreach (var ((workload, replica), revision) in _held)
                {
                    inventory.Replicas.Add(new InventoryReplica { Workload = workload, Replica = replica, WorkloadRevision = revision });
                }
            }
            return inventory;
        }
    }
}
