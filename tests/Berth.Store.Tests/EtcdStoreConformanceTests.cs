using Berth.Store.Etcd;
using Berth.Store.Tests.Fixtures;

namespace Berth.Store.Tests;

/// <summary>
/// The conformance suite against a real etcd, plus what only the etcd backend has to show (resume across an etcd restart,
/// compaction seen by a resuming watch, paging, leases on etcd's clock). Each test gets a fresh etcd (about 0.1 s to start):
/// the suite asserts revisions from 0, and etcd's revision counter cannot be reset or shared by prefix.
/// </summary>
[RequiresEtcd]
public sealed class EtcdStoreConformanceTests : StoreConformanceTests, IAsyncLifetime
{
    private readonly List<IKeyValueStore> _stores = [];
    private EtcdServer? _etcd;

    private EtcdServer Etcd => _etcd ?? throw new InvalidOperationException("etcd was not started.");

    public async Task InitializeAsync() => _etcd = await EtcdServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }

    [Fact]
    public async Task LeaseExpiry_TtlPassesOnEtcdClock_DeletesKeysAtOneRevisionWithDeleteEvents()
    {
        await using var store = NewStore();
        var lease = await store.GrantLeaseAsync(TimeSpan.FromSeconds(1));
        await store.PutAsync("/nodes/n1", "alive", lease.Id);   // 1
        await store.PutAsync("/nodes/n2", "alive", lease.Id);   // 2
        await store.PutAsync("/nodes/n3", "no lease");          // 3
        await using var events = store.WatchPrefixAsync("/nodes/").GetAsyncEnumerator();

        var deletes = await events.TakeAsync(2);   // etcd's clock: about 1 s

        Assert.Equal(["delete /nodes/n1@4", "delete /nodes/n2@4"], deletes.Select(Watching.Describe));
        Assert.Equal(["/nodes/n3"], Keys((await store.RangeAsync(KeyRange.Prefix("/nodes/"))).Kvs));
        await Assert.ThrowsAsync<LeaseNotFoundException>(() => store.KeepAliveAsync(lease.Id));
    }

    [Fact]
    public async Task KeepAliveAsync_RenewedWithinTtl_KeepsKeysPastTheTtl()
    {
        await using var store = NewStore();
        var lease = await store.GrantLeaseAsync(TimeSpan.FromSeconds(1));
        await store.PutAsync("/a", "x", lease.Id);
        var until = DateTime.UtcNow.AddSeconds(2.5);

        // Renewing is the behaviour under test, so this loop paces itself by the TTL rather than waiting for a condition.
        using (var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(250)))
        {
            while (DateTime.UtcNow < until && await ticks.WaitForNextTickAsync())
            {
                var renewed = await store.KeepAliveAsync(lease.Id);
                Assert.Equal(TimeSpan.FromSeconds(1), renewed.Ttl);
            }
        }

        Assert.Equal(lease.Id, (await store.GetAsync("/a"))!.Lease);
        await WaitUntilAsync(async () => await store.GetAsync("/a") is null, "the key to expire once keep-alives stop");
    }

    [Fact]
    public async Task WatchAsync_EtcdRestarted_ResumesWithNoLostOrRepeatedEvent()
    {
        await using var store = NewStore();
        await store.PutAsync("/r/0", "before");                  // 1
        await using var events = store.WatchPrefixAsync("/r/", fromRevision: 1).GetAsyncEnumerator();
        var before = await events.TakeAsync(1);
        var pending = events.TakeAsync(4);

        await Etcd.KillAsync();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PutAsync("/r/lost", "etcd is down"));
        await Etcd.RestartAsync();
        await WaitUntilAsync(async () => await TryPutAsync(store, "/r/1", "after"), "etcd to accept writes after the restart");   // 2
        await store.PutAsync("/r/2", "after");                   // 3
        await store.DeleteAsync("/r/0");                         // 4
        await store.PutAsync("/r/1", "again");                   // 5

        Assert.Equal(["put /r/0@1"], before.Select(Watching.Describe));
        Assert.Equal(["put /r/1@2", "put /r/2@3", "delete /r/0@4", "put /r/1@5"], (await pending).Select(Watching.Describe));
    }

    [Fact]
    public async Task WatchAsync_ResumeRevisionCompactedWhileDisconnected_ThrowsRevisionCompacted()
    {
        var store = NewStore();
        await store.PutAsync("/quiet/a", "1");                   // 1
        await using var events = store.WatchPrefixAsync("/quiet/", fromRevision: 1).GetAsyncEnumerator();
        await events.TakeAsync(1);                               // the watch now resumes from 2

        // Write and compact through another port the watcher does not know, so it cannot reconnect in between.
        var original = Etcd.ClientPort;
        await Etcd.RestartAsync(EtcdServer.FreePort());
        var other = Open(TimeProvider.System, Etcd.Endpoint);
        await other.PutAsync("/loud/a", "1");                    // 2
        await other.PutAsync("/loud/a", "2");                    // 3
        await other.CompactAsync(3);
        await Etcd.RestartAsync(original);

        var error = await Assert.ThrowsAsync<RevisionCompactedException>(() => events.MoveNextAsync().AsTask().WaitAsync(Watching.Timeout));
        Assert.Equal((2L, 3L), (error.RequestedRevision, error.CompactRevision));
    }

    [Fact]
    public async Task RangeAsync_MoreKeysThanOnePage_ReturnsEveryKeyInOrderAtOneRevision()
    {
        await using var store = EtcdStore.Create(new EtcdStoreOptions { Endpoints = [Etcd.Endpoint], RangePageSize = 100 });
        const int Keys = 1050;
        for (var batch = 0; batch < Keys / 50; batch++)
        {
            var puts = Enumerable.Range(batch * 50, 50).Select(i => (TxnOp)TxnOp.Put($"/big/{i:D5}", Bytes("x"))).ToList();
            await store.TxnAsync([], puts, []);
        }

        var all = await store.RangeAsync(KeyRange.Prefix("/big/"));
        var limited = await store.RangeAsync(KeyRange.Prefix("/big/"), limit: 250);
        var atTen = await store.RangeAsync(KeyRange.Prefix("/big/"), revision: 10);

        Assert.Equal(Enumerable.Range(0, Keys).Select(i => $"/big/{i:D5}"), all.Kvs.Select(kv => kv.Key));
        Assert.Equal((false, (long)Keys, 21L), (all.More, all.Count, all.Revision));
        Assert.Equal((250, true, (long)Keys), (limited.Kvs.Count, limited.More, limited.Count));
        Assert.Equal(500, atTen.Kvs.Count);
    }

    [Fact]
    public async Task Calls_EtcdStopped_ThrowStoreUnavailableNamingTheEndpoint()
    {
        await using var store = NewStore();
        await store.PutAsync("/a", "1");

        await Etcd.KillAsync();
        var read = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync("/a"));
        var write = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PutAsync("/a", "2"));

        Assert.Contains(Etcd.Endpoint, read.Message, StringComparison.Ordinal);
        Assert.Contains("Check that etcd is running", write.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TxnAsync_MoreOperationsThanEtcdAllows_ThrowsInvalidTransactionAndAppliesNothing()
    {
        await using var store = NewStore();
        var puts = Enumerable.Range(0, 129).Select(i => (TxnOp)TxnOp.Put($"/many/{i}", Bytes("x"))).ToList();

        var error = await Assert.ThrowsAsync<InvalidTransactionException>(() => store.TxnAsync([], puts, []));

        Assert.Contains("--max-txn-ops", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await store.RangeAsync(KeyRange.Prefix(""))).Count);
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsStoreUnavailableNamingTheEndpoint()
    {
        var endpoint = $"127.0.0.1:{EtcdServer.FreePort()}";
        var options = new EtcdStoreOptions { Endpoints = [endpoint], RequestTimeout = TimeSpan.FromSeconds(2) };

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => EtcdStore.ConnectAsync(options));

        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
    }

    private static async Task<bool> TryPutAsync(IKeyValueStore store, string key, string value)
    {
        try
        {
            await store.PutAsync(key, value);
            return true;
        }
        catch (StoreUnavailableException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Watching.Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {Watching.Timeout} waiting for {what}.");
            await Task.Delay(50);
        }
    }

    // Small pages so that the suite's ranges (a handful of keys) are read in several pages.
    protected override IKeyValueStore CreateStore(TimeProvider time) => Open(time, Etcd.Endpoint);

    private EtcdStore Open(TimeProvider time, string endpoint)
    {
        var store = EtcdStore.Create(
            new EtcdStoreOptions
            {
                Endpoints = [endpoint],
                RequestTimeout = TimeSpan.FromSeconds(5),
                ReconnectDelay = TimeSpan.FromMilliseconds(50),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
                RangePageSize = 2,
            },
            time);
        _stores.Add(store);
        return store;
    }
}
