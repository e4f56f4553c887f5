using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Berth.Agent.Supervision;
using Berth.Agent.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Agent;

/// <summary>
/// One node agent: registers the machine with the server, heartbeats, polls its assignments, has the
/// <see cref="ReplicaSupervisor"/> reconcile them, and reports what the replicas did.
/// </summary>
/// <remarks>
/// Talks to the server's REST agent API (<c>/v1/agents/…</c>). DESIGN.md asks for gRPC with desired state streamed to
/// the agent; polling REST is the first step and keeps the same operations. Every call that fails (server down,
/// conflict, timeout) is logged and tried again on the next tick; an answer "register first" (the server lost the
/// node, e.g. a new data directory) registers again. When <see cref="RunAsync"/> ends, every replica is stopped.
/// </remarks>
public sealed class AgentLoop : IAsyncDisposable
{
    private readonly AgentOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly IReadOnlyDictionary<string, string> _capacity;
    private volatile bool _registered;

    // Reports are kept until the server answers 2xx: stale ones (replica gone, moved, other revision) are answered 200
    // with an outcome and dropped, while a 409 (writes kept racing) or a network failure keeps them, in order, for the next tick.

    /// <summary>Creates the loop; nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="http">The client to use (its base address is ignored); null creates one.</param>
    /// <exception cref="ArgumentException">An option cannot be used; the message names it.</exception>
    public AgentLoop(AgentOptions options, HttpClient? http = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        loggers ??= NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger<AgentLoop>();
        _capacity = MachineCapacity.Detect(options.CapacityOverride);
        Supervisor = new ReplicaSupervisor(options.NodeName, options.LogTailLines, loggers.CreateLogger<ReplicaSupervisor>());
    }

    /// <summary>The supervisor running this node's replicas.</summary>
    public ReplicaSupervisor Supervisor { get; }

    /// <summary>What the agent registers as allocatable (measured, then <see cref="AgentOptions.CapacityOverride"/>).</summary>
    public IReadOnlyDictionary<string, string> Capacity => _capacity;

    /// <summary>True once the server accepted the registration.</summary>
    public bool Registered => _registered;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, then stops every replica.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var heartbeats = HeartbeatLoopAsync(cancellationToken);
            await PollLoopAsync(cancellationToken).ConfigureAwait(false);
            await heartbeats.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
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

    private async Task PollLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.PollInterval);
        do
        {
            await TryAsync("poll", async () =>
            {
                if (!_registered)
                {
                    await RegisterAsync(ct).ConfigureAwait(false);
                }
                var desired = await ReadDesiredAsync(ct).ConfigureAwait(false);
                if (desired is not null)
                {
                    await Supervisor.ReconcileAsync(desired, ct).ConfigureAwait(false);
                }
                await ReportAsync(ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            if (!_registered)
            {
                continue;
            }
            await TryAsync("heartbeat", async () =>
            {
                using var response = await _http.PostAsync(Url($"v1/agents/{_options.NodeName}/heartbeat"), null, ct).ConfigureAwait(false);
                await EnsureAsync(response, ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
    }

    private async Task RegisterAsync(CancellationToken ct)
    {
        var body = new WireRegistration(_options.NodeName, _options.Labels, _capacity);
        using var response = await _http.PostAsJsonAsync(Url("v1/agents/register"), body, AgentJsonContext.Default.WireRegistration, ct).ConfigureAwait(false);
        await EnsureAsync(response, ct).ConfigureAwait(false);
        _registered = true;
        AgentLog.Registered(_logger, _options.NodeName, _options.Server.ToString());
    }

    private async Task<IReadOnlyList<DesiredReplica>?> ReadDesiredAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync(Url($"v1/agents/{_options.NodeName}/assignments"), ct).ConfigureAwait(false);
        await EnsureAsync(response, ct).ConfigureAwait(false);
        var answer = await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.WireAssignments, ct).ConfigureAwait(false);
        if (answer is null)
        {
            return null;
        }
        var desired = new List<DesiredReplica>(answer.Assignments.Count);
        foreach (var item in answer.Assignments)
        {
            var state = Enum.TryParse<DesiredReplicaState>(item.Assignment.State, out var parsed) ? parsed : DesiredReplicaState.Stopped;
            var containers = item.Workload.Containers
                .Select(c => new ReplicaContainer(c.Name, c.Command, c.Args ?? [], c.Env ?? new Dictionary<string, string>(), c.WorkingDir))
                .ToArray();
            desired.Add(new DesiredReplica(item.Assignment.Workload, item.Assignment.Replica, item.WorkloadRevision, item.Revision, state, containers));
        }
        return desired;
    }

    private async Task ReportAsync(CancellationToken ct)
    {
        var changes = Supervisor.TakeChanges();
        for (int i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var report = new WireStatusReport(change.Workload, change.Replica, change.Exited ? "Exited" : "Running", change.ExitCode, change.LogTail, change.WorkloadRevision);
            try
            {
                using var response = await _http.PostAsJsonAsync(Url($"v1/agents/{_options.NodeName}/status"), report, AgentJsonContext.Default.WireStatusReport, ct).ConfigureAwait(false);
                await EnsureAsync(response, ct).ConfigureAwait(false);
                var answer = await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.WireStatusResponse, ct).ConfigureAwait(false);
                if (change.Exited && answer is not null)
                {
                    Supervisor.AcknowledgeExit(change.Workload, change.Replica, change.WorkloadRevision, answer.Revision);
                }
            }
            catch
            {
                // Not reported: keep this and the rest for the next tick, in order.
                Supervisor.Requeue(changes.Skip(i).ToArray());
                throw;
            }
        }
    }

    private async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // The server does not know this node (e.g. it started on an empty store): register again on the next poll.
            _registered = false;
        }
        string message;
        try
        {
            message = (await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.WireError, ct).ConfigureAwait(false))?.Error ?? "";
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            message = "";
        }
        throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {message}", null, response.StatusCode);
    }

    private async Task TryAsync(string operation, Func<Task> call, CancellationToken ct)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or JsonException or TaskCanceledException or IOException)
        {
            AgentLog.CallFailed(_logger, _options.NodeName, operation, e.Message);
        }
    }

    private Uri Url(string path) => new(_options.Server, path);
}
