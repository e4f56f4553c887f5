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
