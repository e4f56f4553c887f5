using Berth.Server.Observability;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;
using Berth.Store.Sqlite;

namespace Berth.Server.Tests.Observability;

/// <summary>What the metered store view counts, read back from its registry.</summary>
public sealed class MeteredKeyValueStoreTests : IAsyncLifetime
{
    private readonly SqliteStore _inner = StateFixtures.Store();
    private readonly BerthMetrics _metrics = new();
    private readonly MeteredKeyValueStore _store;
    private readonly EventLog _events;

    public MeteredKeyValueStoreTests()
    {
        _store = new MeteredKeyValueStore(_inner, _metrics);
        _events = new EventLog(_store, writer: "test");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _inner.DisposeAsync();

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await _metrics.Registry.CollectAndExportAsTextAsync(stream);
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string Transactions(string result) => $"{BerthMetrics.StoreTransactionsTotal}{{result=\"{result}\"}}";

    private static string Events(ClusterEventType type) => $"{BerthMetrics.EventsTotal}{{type=\"{type}\"}}";

    private async Task<TxnResult> WriteWithEventAsync(Compare guard)
    {
        var compares = new List<Compare> { guard };
        var operations = new List<TxnOp> { TxnOp.Put("/nodes/n1", "{}"u8.ToArray()) };
        _events.Append(compares, operations, _events.Create(ClusterEventType.NodeRegistered, "n1", "registered"));
        return await _store.TxnAsync(compares, operations, []);
    }

    [Fact]
    public async Task TxnAsync_ComparesHold_CountsCommitAndEachEventByType()
    {
        var result = await WriteWithEventAsync(Compare.Missing("/nodes/n1"));

        Assert.True(result.Succeeded);
        var metrics = await ScrapeAsync();
        Assert.Equal(1, metrics[Transactions(BerthMetrics.CommittedResult)]);
        Assert.Equal(0, metrics[Transactions(BerthMetrics.ConflictResult)]);
        Assert.Equal(1, metrics[Events(ClusterEventType.NodeRegistered)]);
        Assert.Equal(1, metrics.Sum(BerthMetrics.EventsTotal));
    }

    [Fact]
    public async Task TxnAsync_CompareFails_CountsConflictAndNoEvent()
    {
        await _inner.PutAsync("/nodes/n1", "{}");

        var result = await WriteWithEventAsync(Compare.Missing("/nodes/n1"));

        Assert.False(result.Succeeded);
        var metrics = await ScrapeAsync();
        Assert.Equal(1, metrics[Transactions(BerthMetrics.ConflictResult)]);
        Assert.Equal(0, metrics[Transactions(BerthMetrics.CommittedResult)]);
        Assert.Equal(0, metrics.Sum(BerthMetrics.EventsTotal));
    }

    [Fact]
    public async Task TxnAsync_ReadOnly_IsNotCounted()
    {
        await _store.TxnAsync([], [TxnOp.Get(KeyRange.Prefix("/"))], []);

        Assert.Equal(0, (await ScrapeAsync()).Sum(BerthMetrics.StoreTransactionsTotal));
    }

    [Fact]
    public async Task TxnAsync_StoreThrows_CountsErrorAndRethrows()
    {
        // The same key put twice in one branch is refused by the store.
        TxnOp[] twice = [TxnOp.Put("/nodes/n1", "{}"u8.ToArray()), TxnOp.Put("/nodes/n1", "{}"u8.ToArray())];

        await Assert.ThrowsAsync<InvalidTransactionException>(() => _store.TxnAsync([], twice, []));

        Assert.Equal(1, (await ScrapeAsync())[Transactions(BerthMetrics.ErrorResult)]);
    }

    [Fact]
    public async Task DisposeAsync_LeavesTheStoreOpen()
    {
        await _store.DisposeAsync();

        Assert.Null(await _inner.GetAsync("/nodes/n1"));
    }
}
