using System.Net.Http.Json;
using System.Text.Json;
using Berth.Agent.Supervision;
using Berth.Agent.Wire;
using Berth.Protocol.Agent.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Agent;

/// <summary>
/// One node agent: finds a server's gRPC address (<c>GET /v1/info</c> on one of <see cref="AgentOptions.Servers"/>),
/// registers the machine, heartbeats, follows its desired state (the WatchAssignments stream) with the
/// <see cref="ReplicaSupervisor"/>, and reports what the replicas did and wrote (proto/agent.proto).
/// </summary>
/// <remarks>
/// Work happens in sessions: one session asks <c>/v1/info</c>, opens a channel, registers, then runs three loops
/// (heartbeats, the assignment stream, and a tick that reports changes and pushes output) until one of them fails.
/// Then the session ends and a new one starts. When the failure blames the server or the way to it (connection refused,
/// UNAVAILABLE, a deadline, the server ending the stream as it stops; <see cref="IsServerFailure"/>), the next session
/// goes to the next address of the list at once, and waits (jittered, capped) only after every address failed in a
/// row (<see cref="ServerRotation"/>); otherwise (say NOT_FOUND: the server lost the node) it registers with the same
/// server again after about <see cref="AgentOptions.PollInterval"/>. So a server that restarted (perhaps on another
/// gRPC port) is joined again, and with several servers a stopped one costs no more than one failed call. A heartbeat
/// that fails otherwise is only logged. Replicas keep running between sessions — the next server streams the same
/// desired state, so failover restarts nothing; when <see cref="RunAsync"/> ends, every replica is stopped.
/// </remarks>
public sealed class AgentLoop : IAsyncDisposable
{
    /// <summary>
    /// Most characters of output one push carries: with a line at most <see cref="ReplicaSupervisor.MaxLineLength"/>
    /// characters (up to 3 UTF-8 bytes each) a batch stays far below gRPC's default 4 MiB message limit; more output
    /// waits for the next tick.
    /// </summary>
    public const int MaxPushChars = 512 * 1024;

    private readonly AgentOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly IReadOnlyDictionary<string, string> _capacity;
    private readonly SemaphoreSlim _reporting = new(1, 1);
    private readonly ServerRotation _rotation;
    private readonly Security.NodeCredentials? _credentials;
    private volatile Uri _server;
    private volatile bool _registered;
    private volatile IReadOnlyList<DesiredReplica>? _desired;
    private int _assignmentSets;

    // Reports are kept until the server answers: stale ones (replica gone, moved, other revision) are answered with an
    // outcome and dropped, while ABORTED (writes kept racing) or a broken connection keeps them, in order, for later.

    /// <summary>Creates the loop; nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="http">The client for <c>GET /v1/info</c> (its base address is ignored); null creates one.</param>
    /// <exception cref="ArgumentException">An option cannot be used; the message names it.</exception>
    /// <param name="credentials">The node certificate with TLS (initialized, <see cref="Security.NodeCredentials.InitializeAsync"/>); null: plain HTTP.</param>
    public AgentLoop(AgentOptions options, HttpClient? http = null, ILoggerFactory? loggers = null, Security.NodeCredentials? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _credentials = credentials;
        _ownsHttp = http is null;
        _http = http ?? (credentials is null
            ? new HttpClient { Timeout = TimeSpan.FromSeconds(10) }
            : new HttpClient(credentials.CreateHandler()) { Timeout = TimeSpan.FromSeconds(10) });
        loggers ??= NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger<AgentLoop>();
        _capacity = MachineCapacity.Detect(options.CapacityOverride);
        _rotation = ServerRotation.For(options);
        _server = _rotation.Current;
        Supervisor = new ReplicaSupervisor(options.NodeName, options.LogTailLines, loggers.CreateLogger<ReplicaSupervisor>(), options.OutputLines, options.StopGrace);
    }

    /// <summary>The supervisor running this node's replicas.</summary>
    public ReplicaSupervisor Supervisor { get; }

    /// <summary>What the agent registers as allocatable (measured, then <see cref="AgentOptions.CapacityOverride"/>).</summary>
    public IReadOnlyDictionary<string, string> Capacity => _capacity;

    /// <summary>True once the server accepted the registration (false again while the agent reconnects).</summary>
    public bool Registered => _registered;

    /// <summary>The REST address of the server the agent uses, or tries, now (one of <see cref="AgentOptions.Servers"/>).</summary>
    public Uri Server => _server;

    /// <summary>The gRPC address the server named at <c>/v1/info</c>; null until known.</summary>
    public Uri? GrpcAddress { get; private set; }

    /// <summary>How many assignment sets the server streamed to this agent.</summary>
    public int AssignmentSetsReceived => Volatile.Read(ref _assignmentSets);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, then stops every replica.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // The certificate is renewed beside the sessions; a renewal needs no new session, new connections use it.
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = _credentials?.RenewLoopAsync(() => _server, renewing.Token) ?? Task.CompletedTask;
        try
        {
            while (true)
            {
                var server = _rotation.Current;
                _server = server;
                TimeSpan wait;
                try
                {
                    await SessionAsync(server, cancellationToken).ConfigureAwait(false);
                    wait = _rotation.Retry();
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransient(e))
                {
                    wait = EndSession(_logger, _options.NodeName, _rotation, server, e);
                }
                _registered = false;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // A call in flight when the agent was stopped: gRPC reports the cancellation as a status.
        }
        finally
        {
            await renewing.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
            await Supervisor.StopAllAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops every replica and releases the HTTP client when the loop created it.</summary>
    public async ValueTask DisposeAsync()
    {
        await Supervisor.DisposeAsync().ConfigureAwait(false);
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>
    /// Asks the server once for its gRPC address (<c>GET /v1/info</c>), so a command can refuse to start against a server
    /// that is not there; <see cref="RunAsync"/> itself keeps trying, as a running agent outlives server restarts.
    /// </summary>
    /// <returns>Null when the server answered; otherwise why it could not be reached, one line.</returns>
    /// <remarks>With several servers, one that answers is enough; the error then lists each server's reason.</remarks>
    public async Task<string?> ProbeServerAsync(CancellationToken cancellationToken)
    {
        var (address, error) = await ProbeAnyAsync(_http, _options.Servers, cancellationToken).ConfigureAwait(false);
        GrpcAddress = address ?? GrpcAddress;
        return error;
    }

    // The first of servers that answers GET /v1/info, or every server's reason.
    internal static async Task<(Uri? Address, string? Error)> ProbeAnyAsync(HttpClient http, IReadOnlyList<Uri> servers, CancellationToken cancellationToken)
    {
        var errors = new List<string>(servers.Count);
        foreach (var server in servers)
        {
            var (address, error) = await ProbeAsync(http, server, cancellationToken).ConfigureAwait(false);
            if (address is not null)
            {
                return (address, null);
            }
            errors.Add(servers.Count == 1 ? error ?? "" : $"{server}: {error}");
        }
        return (null, string.Join("; ", errors));
    }

    /// <summary>
    /// Logs why a session with <paramref name="server"/> ended and moves <paramref name="rotation"/> on when the server is
    /// to blame; returns how long to wait before the next session.
    /// </summary>
    internal static TimeSpan EndSession(ILogger logger, string node, ServerRotation rotation, Uri server, Exception e)
    {
        if (!IsServerFailure(e))
        {
            AgentLog.CallFailed(logger, node, "session", e.Message);
            return rotation.Retry();
        }
        var wait = rotation.Failed();
        AgentLog.ServerFailed(logger, node, server.ToString(), e.Message, rotation.Current.ToString(), wait.TotalSeconds);
        return wait;
    }

    internal static async Task<(Uri? Address, string? Error)> ProbeAsync(HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        try
        {
            return (await ResolveGrpcAddressAsync(http, server, cancellationToken).ConfigureAwait(false), null);
        }
        catch (HttpRequestException e)
        {
            return (null, e.HttpRequestError == HttpRequestError.ConnectionError && e.InnerException is { } inner ? inner.Message : e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {http.Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return (null, e.Message);
        }
    }

    private async Task SessionAsync(Uri server, CancellationToken cancellationToken)
    {
        var grpcAddress = await ResolveGrpcAddressAsync(_http, server, cancellationToken).ConfigureAwait(false);
        GrpcAddress = grpcAddress;
        using var channel = _credentials is null ? OpenChannel(grpcAddress) : OpenChannel(grpcAddress, _credentials);
        var client = new AgentService.AgentServiceClient(channel);
        var registration = new RegisterRequest { Name = _options.NodeName };
        registration.Labels.Add(new Dictionary<string, string>(_options.Labels));
        registration.Allocatable.Add(new Dictionary<string, string>(_capacity));
        await client.RegisterAsync(registration, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        _registered = true;
        _rotation.Joined();
        AgentLog.Registered(_logger, _options.NodeName, grpcAddress.ToString());

        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task[] loops =
        [
            HeartbeatLoopAsync(client, session.Token),
            WatchLoopAsync(client, session.Token),
            TickLoopAsync(client, session.Token),
        ];
        var first = await Task.WhenAny(loops).ConfigureAwait(false);
        await session.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (Exception) when (!first.IsFaulted)
        {
            // The session ends for the first loop's reason; the others only stopped because of it.
        }
        catch (Exception) when (first.IsFaulted)
        {
            await first.ConfigureAwait(false);
        }
    }

    // Cleartext HTTP/2 (h2c) on loopback; the server's gRPC port speaks nothing else. Several connections, as one carries
    // only as many concurrent calls (streams) as the server allows.
    internal static GrpcChannel OpenChannel(Uri grpcAddress) => GrpcChannel.ForAddress(grpcAddress, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, ConnectTimeout = TimeSpan.FromSeconds(5) },
        DisposeHttpClient = true,
    });

    // HTTP/2 over TLS with the node certificate, the one current when each connection is made.
    internal static GrpcChannel OpenChannel(Uri grpcAddress, Security.NodeCredentials credentials) => GrpcChannel.ForAddress(grpcAddress, new GrpcChannelOptions
    {
        HttpHandler = credentials.CreateHandler(),
        DisposeHttpClient = true,
    });

    internal static async Task<Uri> ResolveGrpcAddressAsync(HttpClient http, Uri server, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(server, "v1/info"), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string message;
            try
            {
                message = (await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.WireError, ct).ConfigureAwait(false))?.Error ?? "";
            }
            catch (Exception e) when (e is JsonException or NotSupportedException)
            {
                message = "";
            }
            throw new HttpRequestException($"GET /v1/info: {(int)response.StatusCode} {response.ReasonPhrase}: {message}", null, response.StatusCode);
        }
        var info = await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.WireServerInfo, ct).ConfigureAwait(false);
        if (info is null || !Uri.TryCreate(info.GrpcAddress, UriKind.Absolute, out var address))
        {
            throw new HttpRequestException(AgentMessages.NoGrpcAddress(server.ToString(), info?.GrpcAddress));
        }
        return address;
    }

    private async Task HeartbeatLoopAsync(AgentService.AgentServiceClient client, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await client.HeartbeatAsync(HeartbeatRequest(), deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode is not (StatusCode.NotFound or StatusCode.Unavailable) && !ct.IsCancellationRequested)
            {
                // One lost beat is within the server's grace. NOT_FOUND (register again) and UNAVAILABLE (the server or
                // the way to it is gone: try the next one) end the session; a server that is gone also ends the stream.
                AgentLog.CallFailed(_logger, _options.NodeName, "heartbeat", e.Status.Detail);
            }
        }
    }

    // Each beat carries what the node runs, so the server can tell a replica it believes Running but that is not here.
    private HeartbeatRequest HeartbeatRequest()
    {
        var inventory = new Inventory();
        foreach (var copy in Supervisor.Inventory())
        {
            inventory.Replicas.Add(new InventoryReplica { Workload = copy.Workload, Replica = copy.Replica, WorkloadRevision = copy.WorkloadRevision });
        }
        return new HeartbeatRequest { Node = _options.NodeName, Inventory = inventory };
    }

    private async Task WatchLoopAsync(AgentService.AgentServiceClient client, CancellationToken ct)
    {
        using var call = client.WatchAssignments(new WatchAssignmentsRequest { Node = _options.NodeName }, cancellationToken: ct);
        bool first = true;
        await foreach (var set in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _assignmentSets);
            var desired = ToDesired(set);
            _desired = desired;
            await Supervisor.ReconcileAsync(desired, ct).ConfigureAwait(false);
            if (first)
            {
                // This server (perhaps a new one after a failover) may not know what already runs here.
                Supervisor.ReannounceRunning(desired);
                first = false;
            }
            await ReportAsync(client, ct).ConfigureAwait(false);
        }
        // The server ended the stream (it is stopping): end the session and connect again.
        throw new RpcException(new Status(StatusCode.Unavailable, AgentMessages.StreamEnded));
    }

    private async Task TickLoopAsync(AgentService.AgentServiceClient client, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.PollInterval);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            // Again with the last set received: an exit acknowledged after that set arrived may now allow a restart.
            if (_desired is { } desired)
            {
                await Supervisor.ReconcileAsync(desired, ct).ConfigureAwait(false);
            }
            await ReportAsync(client, ct).ConfigureAwait(false);
            await PushOutputAsync(client, ct).ConfigureAwait(false);
        }
    }

    private async Task ReportAsync(AgentService.AgentServiceClient client, CancellationToken ct)
    {
        // The stream and the tick both report: one at a time, so a replica's Running always reaches the server before its exit.
        await _reporting.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await ReportInOrderAsync(client, ct).ConfigureAwait(false);
        }
        finally
        {
            _reporting.Release();
        }
    }

    private async Task ReportInOrderAsync(AgentService.AgentServiceClient client, CancellationToken ct)
    {
        var changes = Supervisor.TakeChanges();
        for (int i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var report = new StatusReport
            {
                Node = _options.NodeName,
                Workload = change.Workload,
                Replica = change.Replica,
                State = change.Exited ? ReplicaState.Exited : ReplicaState.Running,
                LogTail = change.LogTail ?? "",
                WorkloadRevision = change.WorkloadRevision,
            };
            if (change.ExitCode is { } exitCode)
            {
                report.ExitCode = exitCode;
            }
            try
            {
                var answer = await client.ReportStatusAsync(report, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
                if (change.Exited)
                {
                    Supervisor.AcknowledgeExit(change.Workload, change.Replica, change.WorkloadRevision, answer.Revision);
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                // The server will never take this report: sending it again would block every report after it.
                AgentLog.CallFailed(_logger, _options.NodeName, "report", e.Status.Detail);
            }
            catch
            {
                // Not reported: keep this and the rest for later, in order.
                Supervisor.Requeue(changes.Skip(i).ToArray());
                throw;
            }
        }
    }

    private async Task PushOutputAsync(AgentService.AgentServiceClient client, CancellationToken ct)
    {
        var output = Batch(Supervisor.TakeOutput(), MaxPushChars);
        if (output.Count == 0)
        {
            return;
        }
        var batch = new LogBatch { Node = _options.NodeName };
        foreach (var item in output)
        {
            var lines = new ReplicaLines { Workload = item.Workload, Replica = item.Replica };
            lines.Lines.AddRange(item.Lines);
            batch.Replicas.Add(lines);
        }
        try
        {
            // Unacknowledged lines stay in the supervisor's buffer and go with the next push.
            await client.PushLogsAsync(batch, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.ResourceExhausted)
        {
            // The server will never take these lines: dropping them keeps later output (and the session) flowing.
            AgentLog.CallFailed(_logger, _options.NodeName, "push output", e.Status.Detail);
        }
        Supervisor.AcknowledgeOutput(output);
    }

    // The first lines of output that fit in budget characters (at least one line, so a push always moves on); a copy
    // cut short acknowledges only the lines taken, the rest go next time.
    internal static IReadOnlyList<ReplicaOutput> Batch(IReadOnlyList<ReplicaOutput> output, int budget)
    {
        var taken = new List<ReplicaOutput>(output.Count);
        int used = 0;
        foreach (var item in output)
        {
            int count = 0;
            while (count < item.Lines.Count && (used == 0 || used + item.Lines[count].Length <= budget))
            {
                used += item.Lines[count].Length + 1;
                count++;
            }
            if (count == 0)
            {
                break;
            }
            taken.Add(count == item.Lines.Count ? item : item with { Lines = item.Lines.Take(count).ToArray(), Next = item.Next - (item.Lines.Count - count) });
            if (count < item.Lines.Count)
            {
                break;
            }
        }
        return taken;
    }

    internal static List<DesiredReplica> ToDesired(AssignmentSet set)
    {
        var desired = new List<DesiredReplica>(set.Assignments.Count);
        foreach (var item in set.Assignments)
        {
            var state = Enum.TryParse<DesiredReplicaState>(item.State, out var parsed) ? parsed : DesiredReplicaState.Stopped;
            var containers = item.Containers
                .Select(c => new ReplicaContainer(c.Name, c.Command.ToArray(), c.Args.ToArray(), new Dictionary<string, string>(c.Env), c.WorkingDir.Length == 0 ? null : c.WorkingDir))
                .ToArray();
            desired.Add(new DesiredReplica(item.Workload, item.Replica, item.WorkloadRevision, item.Revision, state, containers));
        }
        return desired;
    }

    internal static DateTime Deadline() => DateTime.UtcNow.AddSeconds(10);

    internal static bool IsTransient(Exception e) =>
        e is RpcException or HttpRequestException or JsonException or TaskCanceledException or IOException or InvalidOperationException;

    /// <summary>
    /// True when a failure blames the server or the way to it, so the agent should try its next server: no connection
    /// or no answer (UNAVAILABLE, a deadline, a transport error), the server failing the call itself (INTERNAL,
    /// UNKNOWN: e.g. its store is down) or ending the stream (it is stopping). Answers that are about the request
    /// (NOT_FOUND: register again, ABORTED, INVALID_ARGUMENT) keep the agent where it is.
    /// </summary>
    internal static bool IsServerFailure(Exception e) => e switch
    {
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal
            or StatusCode.Unknown or StatusCode.Cancelled or StatusCode.ResourceExhausted or StatusCode.Unimplemented,
        HttpRequestException or JsonException or TaskCanceledException or IOException => true,
        _ => false,
    };
}
