using Berth.Store.Tests.Fixtures;

namespace Berth.Store.Tests;

/// <summary>
/// The lease-expiry part of the conformance suite for backends whose leases expire by the injected
/// <see cref="TimeProvider"/> (the embedded store). etcd expires leases on its own clock, so its backend shows the same
/// behaviour in real time instead (<see cref="EtcdStoreConformanceTests"/>), and cannot promise that a read right after the
/// deadline misses the key.
/// </summary>
public abstract class ClockDrivenStoreConformanceTests : StoreConformanceTests
{
    [Fact]
    public async Task LeaseExpiry_ClockPassesTtl_DeletesKeysAndEmitsDeleteEvents()
    {
        await using var store = NewStore();
        var lease = await store.GrantLeaseAsync(TimeSpan.FromSeconds(10));
        await store.PutAsync("/nodes/n1", "alive", lease.Id);   // 1
        await store.PutAsync("/nodes/n2", "alive", lease.Id);   // 2
        await store.PutAsync("/nodes/n3", "no lease");          // 3
        await using var events = store.WatchPrefixAsync("/nodes/").GetAsyncEnumerator();
        var deletes = events.TakeAsync(2);

        Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.NotNull(await store.GetAsync("/nodes/n1"));
        Clock.Advance(TimeSpan.FromSeconds(2));   // the store's lease timer fires inside Advance

        Assert.Equal(["delete /nodes/n1@4", "delete /nodes/n2@4"], (await deletes).Select(Watching.Describe));
        Assert.Equal(["/nodes/n3"], Keys((await store.RangeAsync(KeyRange.Prefix("/nodes/"))).Kvs));
        await Assert.ThrowsAsync<LeaseNotFoundException>(() => store.KeepAliveAsync(lease.Id));
    }

    [Fact]
    public async Task LeaseExpiry_ReadRightAfterDeadline_NeverSeesExpiredKey()
    {
        await using var store = NewStore();
        var lease = await store.GrantLeaseAsync(TimeSpan.FromMilliseconds(10_500));
        await store.PutAsync("/a", "x", lease.Id);

        Clock.Advance(TimeSpan.FromMilliseconds(10_500));   // deadline reached between two timer ticks

        Assert.Null(await store.GetAsync("/a"));
    }

    [Fact]
    public async Task KeepAliveAsync_BeforeDeadline_ExtendsLease()
    {
        await using var store = NewStore();
        var lease = await store.GrantLeaseAsync(TimeSpan.FromSeconds(10));
        await store.PutAsync("/a", "x", lease.Id);

        Clock.Advance(TimeSpan.FromSeconds(8));
        var renewed = await store.KeepAliveAsync(lease.Id);
        Clock.Advance(TimeSpan.FromSeconds(8));

        Assert.Equal(Clock.GetUtcNow().AddSeconds(2), renewed.ExpiresAt);
        Assert.Equal(lease.Id, (await store.GetAsync("/a"))!.Lease);
        Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Null(await store.GetAsync("/a"));
    }
}
