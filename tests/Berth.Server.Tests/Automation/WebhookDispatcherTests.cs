using System.Text.Json;
using Berth.Core.Manifests;
using Berth.Server.Automation;
using Berth.Server.Nodes;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;
using Berth.Store.Sqlite;

namespace Berth.Server.Tests.Automation;

/// <summary>Webhook deliveries: signed, retried with backoff after a failing receiver, every attempt recorded.</summary>
public sealed class WebhookDispatcherTests : IAsyncDisposable
{
    private const string Secret = "s3cret-key";
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly SqliteStore _store = StateFixtures.Store();
    private readonly EventLog _events;
    private readonly RuleEngineOptions _options = new() { RetryBase = TimeSpan.FromMilliseconds(20), RetryMax = TimeSpan.FromMilliseconds(100) };

    public WebhookDispatcherTests() => _events = new EventLog(_store, TimeProvider.System, "test");

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private async Task FireAsync(Uri url, int maxAttempts)
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(
            $"apiVersion: berth.dev/v1\nkind: Rule\nmetadata: {{name: crash-loop}}\nspec: {{condition: {{events: {{type: RetryTriggered, within: 10m}}}}, actions: [{{webhook: {{url: '{url}', secret: {Secret}, maxAttempts: {maxAttempts}}}}}]}}"));
        await _store.PutAsync(KeyLayout.Object(ObjectKinds.Rules, "", "crash-loop"), ObjectKinds.Rules.Serialize(ObjectKinds.Rules.Read(document).Spec));
        await _events.AppendAsync(_events.Create(ClusterEventType.RetryTriggered, "default/api/0", "exited 1"));
        var engine = new RuleEngine(_store, _events, new NodeManager(_store, _events), _options, TimeProvider.System);
        Assert.Single(await engine.RunPassAsync());
    }

    private async Task<WebhookDelivery> WaitForAsync(Func<WebhookDelivery, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (true)
        {
            var delivery = Assert.Single(await new RuleQueries(_store).DeliveriesAsync());
            if (done(delivery))
            {
                return delivery;
            }
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; last: {JsonSerializer.Serialize(delivery)}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Run_ReceiverFailsTwice_RetriesAndRecordsThreeAttemptsWithOneSuccess()
    {
        await using var receiver = await HookReceiver.StartAsync(failures: 2);
        await FireAsync(receiver.Url, maxAttempts: 5);

        var delivery = await DispatchUntilFinishedAsync();

        Assert.Equal(WebhookDeliveryState.Succeeded, delivery.State);
        Assert.Equal([500, 500, 200], delivery.Attempts.Select(a => a.Status ?? 0));
        Assert.Equal([1, 2, 3], delivery.Attempts.Select(a => a.Number));
        Assert.Equal([false, false, true], delivery.Attempts.Select(a => a.Error is null));
        Assert.Equal("the receiver answered 500; a delivery needs a 2xx answer", delivery.Attempts[0].Error);
        Assert.Null(delivery.NextAttemptAt);
        var calls = receiver.Calls.ToArray();
        Assert.Equal(3, calls.Length);
        Assert.Single(calls, c => c.Answered == 200);
        foreach (var (body, headers, _) in calls)
        {
            Assert.True(WebhookSignature.Verify(Secret, body, headers[WebhookSignature.Header]), "the signature verifies with the secret");
            Assert.False(WebhookSignature.Verify("another-key", body, headers[WebhookSignature.Header]));
            Assert.Equal(delivery.Id, headers[WebhookSignature.DeliveryHeader].ToString());
            using var payload = JsonDocument.Parse(body);
            Assert.Equal("crash-loop", payload.RootElement.GetProperty("rule").GetString());
            Assert.Equal("default/api", payload.RootElement.GetProperty("subject").GetString());
            Assert.Equal("crash-loop/default/api/1", payload.RootElement.GetProperty("episode").GetString());
            Assert.Equal(headers[WebhookSignature.TimestampHeader].ToString(), payload.RootElement.GetProperty("timestamp").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        // Attempts were spaced by the backoff, not sent back to back.
        Assert.True(delivery.Attempts[1].At - delivery.Attempts[0].At >= TimeSpan.FromMilliseconds(10), "the second attempt waited for the backoff");
    }

    [Fact]
    public async Task Run_ReceiverAlwaysFails_StopsAtMaxAttemptsAndRecordsAFailedEvent()
    {
        await using var receiver = await HookReceiver.StartAsync(failures: int.MaxValue);
        await FireAsync(receiver.Url, maxAttempts: 2);

        var delivery = await DispatchUntilFinishedAsync();

        Assert.Equal(WebhookDeliveryState.Failed, delivery.State);
        Assert.Equal(2, delivery.Attempts.Count);
        Assert.Equal(2, receiver.Calls.Count);
        var failed = Assert.Single(await _events.ReadAfterAsync(0), e => e.Type == ClusterEventType.WebhookDeliveryFailed);
        Assert.Contains($"webhook delivery {delivery.Id} of rule crash-loop for default/api", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attempt_NothingListens_RecordsTheErrorAndSchedulesARetry()
    {
        // A port that was free a moment ago: nothing answers there.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await FireAsync(new Uri($"http://127.0.0.1:{port}/hook"), maxAttempts: 3);
        using var dispatcher = new WebhookDispatcher(_store, _events, _options, TimeProvider.System);
        var pending = await TheDeliveryAsync();

        var recorded = await dispatcher.AttemptAsync(pending, default);

        Assert.NotNull(recorded);
        Assert.Equal(WebhookDeliveryState.Pending, recorded.State);
        var attempt = Assert.Single(recorded.Attempts);
        Assert.Null(attempt.Status);
        Assert.StartsWith("could not send: ", attempt.Error, StringComparison.Ordinal);
        Assert.NotNull(recorded.NextAttemptAt);
    }

    [Fact]
    public async Task Attempt_SecretEnvNotSet_FailsTheAttemptSayingWhich()
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(
            "apiVersion: berth.dev/v1\nkind: Rule\nmetadata: {name: r}\nspec: {condition: {events: {type: RetryTriggered, within: 10m}}, actions: [{webhook: {url: 'http://127.0.0.1:1/h', secretEnv: NO_SUCH_HOOK_SECRET, maxAttempts: 1}}]}"));
        await _store.PutAsync(KeyLayout.Object(ObjectKinds.Rules, "", "r"), ObjectKinds.Rules.Serialize(ObjectKinds.Rules.Read(document).Spec));
        await _events.AppendAsync(_events.Create(ClusterEventType.RetryTriggered, "default/api/0", "exited 1"));
        await new RuleEngine(_store, _events, new NodeManager(_store, _events), _options, TimeProvider.System).RunPassAsync();
        using var dispatcher = new WebhookDispatcher(_store, _events, _options, TimeProvider.System, environment: _ => null);
        var pending = await TheDeliveryAsync();

        var recorded = await dispatcher.AttemptAsync(pending, default);

        Assert.Equal(WebhookDeliveryState.Failed, recorded!.State);
        Assert.Equal("environment variable NO_SUCH_HOOK_SECRET (the webhook's secretEnv) is not set on this server; set it on every server, since any may lead", recorded.Attempts[0].Error);
    }

    /// <summary>Runs a dispatcher until the one delivery is no longer pending, and returns it.</summary>
    private async Task<WebhookDelivery> DispatchUntilFinishedAsync()
    {
        using var dispatcher = new WebhookDispatcher(_store, _events, _options, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var running = dispatcher.RunAsync(stop.Token);
        var delivery = await WaitForAsync(d => d.State != WebhookDeliveryState.Pending, "the delivery to finish");
        await stop.CancelAsync();
        await running;
        return delivery;
    }

    /// <summary>The one delivery in the store, as the dispatcher reads it.</summary>
    private async Task<Stored<WebhookDelivery>> TheDeliveryAsync()
    {
        var kv = Assert.Single((await _store.RangeAsync(KeyRange.Prefix(KeyLayout.WebhookDeliveriesPrefix))).Kvs);
        return new Stored<WebhookDelivery>(kv.Key, StateSerializer.Deserialize<WebhookDelivery>(kv.Value.Span), kv.ModRevision);
    }

    [Theory]
    [InlineData(2, 0.0, 1000)]
    [InlineData(2, 1.0, 2000)]
    [InlineData(3, 1.0, 4000)]
    [InlineData(10, 1.0, 60000)]
    [InlineData(10, 0.0, 30000)]
    public void Backoff_DoublesCapsAndJitters(int nextAttempt, double random, int expectedMs)
    {
        var options = new RuleEngineOptions { RetryBase = TimeSpan.FromSeconds(2), RetryMax = TimeSpan.FromMinutes(1) };

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), options.Backoff(nextAttempt, random));
    }

    [Fact]
    public void Sign_KnownVector_MatchesHmacSha256()
    {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        var signature = WebhookSignature.Sign("Jefe", "what do ya want for nothing?"u8);

        Assert.Equal("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", signature);
    }
}
