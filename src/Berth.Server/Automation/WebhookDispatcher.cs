using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.State;
using Berth.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Server.Automation;

/// <summary>
/// Sends the Pending webhook deliveries (<c>/automation/deliveries/</c>) the <see cref="RuleEngine"/> committed: a signed
/// POST per attempt (<see cref="WebhookSignature"/>), each attempt recorded on the delivery, a failure (no answer, a
/// timeout, a status outside 2xx) retried after <see cref="RuleEngineOptions.Backoff"/> until the action's maxAttempts.
/// Runs on the leader beside the engine (<see cref="RunAsync"/>); the queue is the store, so a new leader carries on with
/// what the old one left Pending.
/// </summary>
public sealed class WebhookDispatcher : IDisposable
{
    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly RuleEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly Random _random;
    private readonly Func<string, string?> _environment;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Creates the dispatcher; its writes go to <paramref name="store"/> (the leadership fence in a server).</summary>
    /// <param name="random">Jitter of the retry waits; null: a shared generator.</param>
    /// <param name="environment">Reads a secretEnv variable; null: the process environment.</param>
    public WebhookDispatcher(
        IKeyValueStore store,
        EventLog events,
        RuleEngineOptions? options = null,
        TimeProvider? time = null,
        Random? random = null,
        Func<string, string?>? environment = null,
        ILogger<WebhookDispatcher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        _store = store;
        _events = events;
        _options = options ?? new RuleEngineOptions();
        _time = time ?? events.Time;
        _random = random ?? Random.Shared;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        // Timeouts are per action, so the client's own is off; redirects are not followed, since a signed body is meant for one URL.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The longest the dispatcher waits before looking at the store again when nothing wakes it.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    /// <summary>Wakes the dispatcher: new deliveries were committed.</summary>
    public void Notify() => _wake.Writer.TryWrite(true);

    /// <summary>Sends due deliveries until <paramref name="cancellationToken"/> is cancelled (the term ends or the host stops); attempts in flight are awaited.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var inFlight = new Dictionary<string, Task>(StringComparer.Ordinal);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                DateTimeOffset? next = null;
                try
                {
                    next = await StartDueAsync(inFlight, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    AutomationLog.DispatchFailed(_logger, e);
                }
                var wait = next is { } due ? due - _time.GetUtcNow() : PollInterval;
                wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > PollInterval ? PollInterval : wait;
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var waits = new List<Task>(inFlight.Values)
                {
                    Task.Delay(wait, _time, waiting.Token),
                    _wake.Reader.WaitToReadAsync(waiting.Token).AsTask(),
                };
                await Task.WhenAny(waits).ConfigureAwait(false);
                await waiting.CancelAsync().ConfigureAwait(false);
                _wake.Reader.TryRead(out _);
                foreach (var (id, task) in inFlight.Where(f => f.Value.IsCompleted).ToList())
                {
                    inFlight.Remove(id);
                    if (task.Exception is { } failure)
                    {
                        AutomationLog.DispatchFailed(_logger, failure.GetBaseException());
                    }
                }
            }
        }
        finally
        {
            foreach (var task in inFlight.Values)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The term ended mid-attempt: the delivery stays Pending and the next leader sends it again.
                }
                catch (Exception e)
                {
                    AutomationLog.DispatchFailed(_logger, e);
                }
            }
        }
    }

    // Starts every due delivery not already in flight (up to the limit); returns when the next one not started is due.
    private async Task<DateTimeOffset?> StartDueAsync(Dictionary<string, Task> inFlight, CancellationToken ct)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.WebhookDeliveriesPrefix), cancellationToken: ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        DateTimeOffset? next = null;
        foreach (var kv in range.Kvs)
        {
            var delivery = StateSerializer.Deserialize<WebhookDelivery>(kv.Value.Span);
            if (delivery.State != WebhookDeliveryState.Pending || inFlight.ContainsKey(delivery.Id))
            {
                continue;
            }
            var due = delivery.NextAttemptAt ?? now;
            if (due <= now && inFlight.Count < _options.MaxConcurrentDeliveries)
            {
                inFlight[delivery.Id] = AttemptAsync(new Stored<WebhookDelivery>(kv.Key, delivery, kv.ModRevision), ct);
            }
            else if (next is null || due < next)
            {
                next = due;
            }
        }
        return next;
    }

    /// <summary>Makes one attempt of <paramref name="stored"/> and records it; returns the delivery as recorded (null when someone else changed it first).</summary>
    public async Task<WebhookDelivery?> AttemptAsync(Stored<WebhookDelivery> stored, CancellationToken cancellationToken)
    {
        var delivery = stored.Value;
        int number = delivery.Attempts.Count + 1;
        var rule = await _store.GetAsync(KeyLayout.Object(ObjectKinds.Rules, "", delivery.Rule), cancellationToken).ConfigureAwait(false);
        var action = rule is null ? null : ((RuleSpec)ObjectKinds.Rules.Deserialize(rule.Value.Span)).Actions.ElementAtOrDefault(delivery.Action)?.Webhook;
        var sentAt = _time.GetUtcNow();
        WebhookAttempt attempt;
        bool final;
        if (action is null)
        {
            attempt = new WebhookAttempt(number, sentAt, null, AutomationMessages.RuleGone(delivery.Rule, delivery.Action), 0);
            final = true;
        }
        else
        {
            attempt = await SendAsync(delivery, action, number, sentAt, cancellationToken).ConfigureAwait(false);
            final = attempt.Error is null || number >= delivery.MaxAttempts;
        }
        var attempts = new List<WebhookAttempt>(delivery.Attempts) { attempt };
        var state = attempt.Error is null ? WebhookDeliveryState.Succeeded : final ? WebhookDeliveryState.Failed : WebhookDeliveryState.Pending;
        var recorded = delivery with
        {
            State = state,
            Attempts = attempts,
            NextAttemptAt = state == WebhookDeliveryState.Pending ? _time.GetUtcNow() + _options.Backoff(number + 1, _random.NextDouble()) : null,
        };
        var compares = new List<Compare> { Compare.ModRevision(stored.Key, CompareOp.Equal, stored.ModRevision) };
        var operations = new List<TxnOp> { TxnOp.Put(stored.Key, RuleEngine.Serialize(recorded)) };
        if (state == WebhookDeliveryState.Failed)
        {
            _events.Append(compares, operations, _events.Create(ClusterEventType.WebhookDeliveryFailed, delivery.Subject,
                AutomationMessages.DeliveryFailed(delivery.Id, delivery.Rule, delivery.Subject, delivery.Url, number, attempt.Error!)));
        }
        AutomationLog.Attempted(_logger, delivery.Id, number, delivery.Url, attempt.Error ?? $"{attempt.Status}");
        var result = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? recorded : null;
    }

    private async Task<WebhookAttempt> SendAsync(WebhookDelivery delivery, WebhookAction action, int number, DateTimeOffset sentAt, CancellationToken ct)
    {
        var secret = action.Secret ?? _environment(action.SecretEnv!);
        if (string.IsNullOrEmpty(secret))
        {
            return new WebhookAttempt(number, sentAt, null, AutomationMessages.SecretEnvMissing(action.SecretEnv!), 0);
        }
        var payload = new WebhookPayload(delivery.Rule, delivery.Subject, delivery.Episode, delivery.FiredAt, delivery.Condition, delivery.Id, number, sentAt.ToUnixTimeSeconds());
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, ApiJson.Info<WebhookPayload>());
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(secret, body));
        request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id);
        request.Headers.Add(WebhookSignature.TimestampHeader, payload.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("berth", "1"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(action.Timeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            return new WebhookAttempt(number, sentAt, status, status is >= 200 and < 300 ? null : AutomationMessages.BadStatus(status), clock.Elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookAttempt(number, sentAt, null, AutomationMessages.TimedOut(action.Timeout), clock.Elapsed.TotalMilliseconds);
        }
        catch (HttpRequestException e)
        {
            return new WebhookAttempt(number, sentAt, null, AutomationMessages.SendFailed(e.Message), clock.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _http.Dispose();
}
