using System.Net.Http.Json;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Server.Leadership;
using Berth.Server.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>
/// A region control plane's link to its parent (<c>berth server --region R --parent URL</c>): while this server leads,
/// it reports the region's pools and node classes every <see cref="RegionLinkOptions.ReportInterval"/>
/// (<c>POST /v1/fleet/regions</c> on the parent). When no report succeeded for
/// <see cref="RegionLinkOptions.DisconnectedAfter"/> the region counts itself cut off (an event, <see cref="State"/>
/// <see cref="ParentLinkState.CutOff"/>); the next successful report reconnects it and runs the handlers given to
/// <see cref="OnReconnected"/>, which evaluate pending placements again.
/// </summary>
public sealed class RegionLink : BackgroundService
{
    private readonly ServerOptions _options;
    private readonly LocalFleetCatalog _catalog;
    private readonly BoundAddresses _addresses;
    private readonly LeaderElection _election;
    private readonly EventLog _events;
    private readonly ILogger<RegionLink> _logger;
    private readonly HttpClient _http;
    private readonly Uri? _parent;
    private readonly Lock _gate = new();
    private readonly List<Func<CancellationToken, Task>> _reconnectHandlers = [];
    private readonly DateTimeOffset _startedAt;
    private ParentLinkState _state;
    private DateTimeOffset? _lastSuccess;
    private RegionReportAnswer? _lastAnswer;
    private string _lastProblem = "";

    /// <summary>Creates the link; it does nothing unless <see cref="ServerOptions.Parent"/> is set.</summary>
    public RegionLink(ServerOptions options, LocalFleetCatalog catalog, BoundAddresses addresses, LeaderElection election, EventLog events, ILogger<RegionLink> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(events);
        _options = options;
        _catalog = catalog;
        _addresses = addresses;
        _election = election;
        _events = events;
        _logger = logger;
        _parent = options.Parent is null ? null : new Uri(options.Parent.TrimEnd('/') + "/");
        _state = _parent is null ? ParentLinkState.None : ParentLinkState.Connecting;
        _startedAt = events.Time.GetUtcNow();
        // A report that takes longer than the interval is as good as lost; the next one starts on time.
        _http = new HttpClient(Security.TlsMaterial.ClientHandlerFor(options)) { Timeout = options.RegionLink.ReportInterval < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : options.RegionLink.ReportInterval };
    }

    /// <summary>The parent's REST address; null for a control plane without one.</summary>
    public Uri? Parent => _parent;

    /// <summary>Where this region stands with its parent.</summary>
    public ParentLinkState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>The parent's answer to the last successful report (its region and the regions it knows); null before one.</summary>
    public RegionReportAnswer? LastAnswer
    {
        get
        {
            lock (_gate)
            {
                return _lastAnswer;
            }
        }
    }

    /// <summary>Registers work to run each time the link (re)connects after being cut off or before its first report, e.g. evaluating pending placements again.</summary>
    public void OnReconnected(Func<CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _reconnectHandlers.Add(handler);
        }
    }

    /// <summary>
    /// Sends one report to the parent and updates <see cref="State"/>; true when the parent took it. Does nothing (false)
    /// without a parent or before the server knows its own address.
    /// </summary>
    public async Task<bool> ReportOnceAsync(CancellationToken cancellationToken = default)
    {
        if (_parent is null || _addresses.Rest is not { } own)
        {
            return false;
        }
        var region = _options.Region!;
        string? problem = null;
        RegionReportAnswer? answer = null;
        try
        {
            var report = new RegionReport(
                region,
                own.ToString(),
                await _catalog.PoolsAsync(cancellationToken).ConfigureAwait(false),
                await _catalog.NodeClassesAsync(cancellationToken).ConfigureAwait(false));
            using var response = await _http.PostAsJsonAsync(new Uri(_parent, "v1/fleet/regions"), report, ApiJson.Info<RegionReport>(), cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                answer = await response.Content.ReadFromJsonAsync(ApiJson.Info<RegionReportAnswer>(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var error = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                problem = $"{(int)response.StatusCode}: {error}";
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            problem = e.Message;
        }
        return answer is not null
            ? await SucceededAsync(answer, cancellationToken).ConfigureAwait(false)
            : await FailedAsync(region, problem ?? "empty answer", cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> SucceededAsync(RegionReportAnswer answer, CancellationToken cancellationToken)
    {
        bool reconnected;
        bool wasCutOff;
        List<Func<CancellationToken, Task>> handlers;
        lock (_gate)
        {
            wasCutOff = _state == ParentLinkState.CutOff;
            reconnected = _state != ParentLinkState.Connected;
            _state = ParentLinkState.Connected;
            _lastSuccess = _events.Time.GetUtcNow();
            _lastAnswer = answer;
            handlers = reconnected ? [.. _reconnectHandlers] : [];
        }
        if (!reconnected)
        {
            return true;
        }
        RegionLinkLog.Connected(_logger, _options.Region!, _parent!.ToString());
        if (wasCutOff)
        {
            await _events.AppendAsync(_events.Create(ClusterEventType.ParentReconnected, _options.Region!, RegionMessages.ParentReconnected(_parent.ToString())), cancellationToken).ConfigureAwait(false);
        }
        foreach (var handler in handlers)
        {
            try
            {
                await handler(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                RegionLinkLog.ReconnectHandlerFailed(_logger, e);
            }
        }
        return true;
    }

    private async Task<bool> FailedAsync(string region, string problem, CancellationToken cancellationToken)
    {
        RegionLinkLog.ReportFailed(_logger, region, _parent!.ToString(), problem);
        bool cutOff = false;
        lock (_gate)
        {
            _lastProblem = problem;
            var since = _lastSuccess ?? _startedAt;
            if (_state != ParentLinkState.CutOff && _events.Time.GetUtcNow() - since > _options.RegionLink.DisconnectedAfter)
            {
                _state = ParentLinkState.CutOff;
                cutOff = true;
            }
        }
        if (cutOff)
        {
            RegionLinkLog.CutOff(_logger, region, _parent.ToString(), problem);
            await _events.AppendAsync(_events.Create(ClusterEventType.ParentUnreachable, region, RegionMessages.ParentUnreachable(_parent.ToString(), problem)), cancellationToken).ConfigureAwait(false);
        }
        return false;
    }

    /// <summary>Why the last report failed; empty before any failed.</summary>
    public string LastProblem
    {
        get
        {
            lock (_gate)
            {
                return _lastProblem;
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_parent is null)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Replicas sharing one store are one region: only the leader speaks for it.
                if (_election.IsLeader)
                {
                    await ReportOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                await Task.Delay(_options.RegionLink.ReportInterval, _events.Time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                RegionLinkLog.ReportFailed(_logger, _options.Region!, _parent.ToString(), e.Message);
                await Task.Delay(_options.RegionLink.ReportInterval, _events.Time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
