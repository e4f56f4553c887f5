using System.Text;
using Berth.Store.Tests.Fixtures;

namespace Berth.Store.Tests;

/// <summary>
/// The behaviour every <see cref="IKeyValueStore"/> backend must show (etcd v3 semantics). Each backend subclasses this
/// class and supplies <see cref="CreateStore"/>; time is driven by <see cref="Clock"/>, never by sleeping.
/// </summary>
public abstract class StoreConformanceTests
{
    /// <summary>The clock handed to every store this test creates.</summary>
    protected ManualTimeProvider Clock { get; } = new();

    /// <summary>Creates an empty store (revision 0) whose leases expire by <paramref name="time"/>; it sweeps leases at least every second of that clock.</summary>
    protected abstract IKeyValueStore CreateStore(TimeProvider time);

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(KeyValue kv) => Encoding.UTF8.GetString(kv.Value.Span);

    protected static string[] Keys(IEnumerable<KeyValue> kvs) => kvs.Select(kv => kv.Key).ToArray();

    protected IKeyValueStore NewStore() => CreateStore(Clock);

    [Fact]
    public async Task GetAsync_AfterPut_ReturnsValueWithRevisions()
    {
        await using var store = NewStore();

        var revision = await store.PutAsync("/a", "one");
        var kv = await store.GetAsync("/a");

        Assert.Equal(1, revision);
        Assert.NotNull(kv);
        Assert.Equal("one", Text(kv));
        Assert.Equal((1L, 1L, 1L, 0L), (kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease));
    }

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsNull()
    {
        await using var store = NewStore();

        Assert.Null(await store.GetAsync("/missing"));
    }

    [Fact]
    public async Task PutAsync_SameKeyAgain_BumpsVersionAndModRevisionKeepsCreateRevision()
    {
        await using var store = NewStore();
        await store.PutAsync("/a", "one");
        await store.PutAsync("/b", "other");

        await store.PutAsync("/a", "two");
        var kv = await store.GetAsync("/a");

        Assert.Equal((1L, 3L, 2L), (kv!.CreateRevision, kv.ModRevision, kv.Version));
        Assert.Equal("two", Text(kv));
    }

    [Fact]
    public async Task PutAsync_AfterDelete_RestartsVersionAndCreateRevision()
    {
        await using var store = NewStore();
        await store.PutAsync("/a", "one");
        await store.PutAsync("/a", "two");
        await store.DeleteAsync("/a");

        await store.PutAsync("/a", "three");
        var kv = await store.GetAsync("/a");

        Assert.Equal((4L, 4L, 1L), (kv!.CreateRevision, kv.ModRevision, kv.Version));
    }

    [Fact]
    public async Task Revision_MixedCalls_AdvancesOncePerChangingTransaction()
    {
        await using var store = NewStore();
        var empty = await store.RangeAsync(KeyRange.Prefix(""));

        await store.PutAsync("/a", "1");
        var readOnly = await store.TxnAsync([], [TxnOp.Get("/a")], []);
        var deletedNothing = await store.DeleteAsync("/missing");
        var twoKeys = await store.TxnAsync([], [TxnOp.Put("/b", Bytes("2")), TxnOp.Put("/c", Bytes("3"))], []);

        Assert.Equal(0, empty.Revision);
        Assert.Equal(1, readOnly.Revision);
        Assert.Equal(0, deletedNothing);
        Assert.Equal(2, twoKeys.Revision);
        Assert.Equal(2, (await store.RangeAsync(KeyRange.Prefix(""))).Revision);
    }

    [Fact]
    public async Task RangeAsync_Prefix_ReturnsOnlyPrefixedKeysInByteOrder()
    {
        await using var store = NewStore();
        foreach (var key in new[] { "/nodes/b", "/nodesx", "/nodes/a", "/node", "/nodes/c/1", "/workloads/a" })
        {
            await store.PutAsync(key, key);
        }

        var result = await store.RangeAsync(KeyRange.Prefix("/nodes/"));

        Assert.Equal(["/nodes/a", "/nodes/b", "/nodes/c/1"], Keys(result.Kvs));
        Assert.Equal((6L, false, 3L), (result.Revision, result.More, result.Count));
    }

    [Fact]
    public async Task RangeAsync_Limit_ReturnsFirstKeysAndReportsMore()
    {
        await using var store = NewStore();
        foreach (var key in new[] { "/k/3", "/k/1", "/k/2", "/k/4" })
        {
            await store.PutAsync(key, key);
        }

        var limited = await store.RangeAsync(KeyRange.Prefix("/k/"), limit: 2);
        var exact = await store.RangeAsync(KeyRange.Prefix("/k/"), limit: 4);

        Assert.Equal(["/k/1", "/k/2"], Keys(limited.Kvs));
        Assert.Equal((true, 4L), (limited.More, limited.Count));
        Assert.Equal((false, 4L), (exact.More, exact.Count));
    }

    [Fact]
    public async Task RangeAsync_Between_IncludesStartExcludesEnd()
    {
        await using var store = NewStore();
        foreach (var key in new[] { "/a", "/b", "/c", "/d" })
        {
            await store.PutAsync(key, key);
        }

        var between = await store.RangeAsync(KeyRange.Between("/b", "/d"));
        var from = await store.RangeAsync(KeyRange.From("/c"));

        Assert.Equal(["/b", "/c"], Keys(between.Kvs));
        Assert.Equal(["/c", "/d"], Keys(from.Kvs));
    }

    [Fact]
    public async Task RangeAsync_AtOlderRevision_ReturnsStateAsOfThatRevision()
    {
        await using var store = NewStore();
        await store.PutAsync("/p/a", "a1");   // 1
        await store.PutAsync("/p/b", "b1");   // 2
        await store.PutAsync("/p/a", "a2");   // 3
        await store.DeleteAsync("/p/b");      // 4
        await store.PutAsync("/p/c", "c1");   // 5

        var atTwo = await store.RangeAsync(KeyRange.Prefix("/p/"), revision: 2);
        var atFour = await store.RangeAsync(KeyRange.Prefix("/p/"), revision: 4);
        var limitedAtTwo = await store.RangeAsync(KeyRange.Prefix("/p/"), limit: 1, revision: 2);

        Assert.Equal(["/p/a=a1", "/p/b=b1"], atTwo.Kvs.Select(kv => $"{kv.Key}={Text(kv)}"));
        Assert.Equal(["/p/a=a2"], atFour.Kvs.Select(kv => $"{kv.Key}={Text(kv)}"));
        Assert.Equal((1L, 1L, 1L), (atTwo.Kvs[0].CreateRevision, atTwo.Kvs[0].ModRevision, atTwo.Kvs[0].Version));
        Assert.Equal((3L, 2L), (atFour.Kvs[0].ModRevision, atFour.Kvs[0].Version));
        Assert.Equal(5, atTwo.Revision);
        Assert.Equal((true, 2L), (limitedAtTwo.More, limitedAtTwo.Count));
    }

    [Fact]
    public async Task RangeAsync_FutureRevision_ThrowsFutureRevision()
    {
        await using var store = NewStore();
        await store.PutAsync("/a", "1");

        var error = await Assert.ThrowsAsync<FutureRevisionException>(() => store.RangeAsync(KeyRange.Key("/a"), revision: 5));

        Assert.Equal((5L, 1L), (error.RequestedRevision, error.CurrentRevision));
    }

    [Fact]
    public async Task TxnAsync_ComparesHold_AppliesSuccessBranch()
    {
        await using var store = NewStore();
        var created = await store.PutAsync("/a", "1");

        var result = await store.TxnAsync(
            [Compare.ModRevision("/a", CompareOp.Equal, created), Compare.Missing("/b")],
            [TxnOp.Put("/a", Bytes("2")), TxnOp.Put("/b", Bytes("x"))],
            [TxnOp.Put("/failed", Bytes("!"))]);

        Assert.True(result.Succeeded);
        Assert.Equal(2, result.Revision);
        Assert.Equal("2", Text((await store.GetAsync("/a"))!));
        Assert.Null(await store.GetAsync("/failed"));
    }

    [Fact]
    public async Task TxnAsync_CompareFails_RunsFailureBranchAndLeavesSuccessKeysUnchanged()
    {
        await using var store = NewStore();
        await store.PutAsync("/a", "1");
        await store.PutAsync("/a", "2");
        await store.PutAsync("/b", "kept");

        var result = await store.TxnAsync(
            [Compare.ModRevision("/a", CompareOp.Equal, 1)],
            [TxnOp.Put("/a", Bytes("stale")), TxnOp.Delete(KeyRange.Prefix("/b"))],
            [TxnOp.Get("/a")]);

        Assert.False(result.Succeeded);
        Assert.Equal(3, result.Revision);
        Assert.NotNull(await store.GetAsync("/b"));
        Assert.Equal("2", Text(Assert.Single(result.Responses[0].Kvs)));
        var kv = await store.GetAsync("/a");
        Assert.Equal(("2", 2L, 2L), (Text(kv!), kv!.ModRevision, kv.Version));
    }

    [Fact]
    public async Task CompareAndSwapAsync_StaleModRevision_FailsAndReturnsCurrent()
    {
        await using var store = NewStore();
        await store.PutAsync("/a", "1");
        var winner = await store.CompareAndSwapAsync("/a", 1, Bytes("winner"));

        var loser = await store.CompareAndSwapAsync("/a", 1, Bytes("loser"));

        Assert.True(winner.Succeeded);
        Assert.False(loser.Succeeded);
        Assert.Equal("winner", Text(Assert.Single(loser.Responses[0].Kvs)));
    }

    [Fact]
    public async Task CompareAndSwapAsync_ZeroOnMissingKey_CreatesOnlyOnce()
    {
        await using var store = NewStore();

        var first = await store.CompareAndSwapAsync("/a", 0, Bytes("first"));
        var second = await store.CompareAndSwapAsync("/a", 0, Bytes("second"));

        Assert.True(first.Succeeded);
        Assert.False(second.Succeeded);
        Assert.Equal("first", Text((await store.GetAsync("/a"))!));
    }

    public static TheoryData<string, Compare, bool> CompareCases => new()
    {
        { "version equal", Compare.Version("/a", CompareOp.Equal, 2), true },
        { "version greater", Compare.Version("/a", CompareOp.Greater, 2), false },
        { "version less", Compare.Version("/a", CompareOp.Less, 3), true },
        { "create revision equal", Compare.CreateRevision("/a", CompareOp.Equal, 1), true },
        { "mod revision not equal", Compare.ModRevision("/a", CompareOp.NotEqual, 3), false },
        { "value equal", Compare.ValueIs("/a", CompareOp.Equal, Encoding.UTF8.GetBytes("v2")), true },
        { "value greater", Compare.ValueIs("/a", CompareOp.Greater, Encoding.UTF8.GetBytes("v1")), true },
        { "value less", Compare.ValueIs("/a", CompareOp.Less, Encoding.UTF8.GetBytes("v1")), false },
        { "lease equal none", Compare.Lease("/a", CompareOp.Equal, 0), true },
        { "exists", Compare.Exists("/a"), true },
        { "missing key does not exist", Compare.Exists("/nope"), false },
        { "missing key is missing", Compare.Missing("/nope"), true },
        { "missing key version is zero", Compare.Version("/nope", CompareOp.Equal, 0), true },
        { "missing key value never matches", Compare.ValueIs("/nope", CompareOp.NotEqual, Encoding.UTF8.GetBytes("x")), false },
    };

    [Theory]
    [MemberData(nameof(CompareCases))]
    public async Task TxnAsync_SingleCompare_EvaluatesAgainstCurrentEntry(string name, Compare compare, bool expected)
    {
        await using var store = NewStore();
        await store.PutAsync("/a", "v1");   // 1
        await store.PutAsync("/b", "b");    // 2
        await store.PutAsync("/a", "v2");   // 3: version 2, create 1, mod 3

        var result = await store.TxnAsync([compare], [], []);

        Assert.True(expected == result.Succeeded, $"case '{name}'");
    }

    [Fact]
    public async Task TxnAsync_SeveralPuts_AllCommitAtOneRevision()
    {
        await using var store = NewStore();

        var result = await store.TxnAsync([], [TxnOp.Put("/x", Bytes("1")), TxnOp.Put("/y", Bytes("2")), TxnOp.Put("/z", Bytes("3"))], []);
        var all = await store.RangeAsync(KeyRange.Prefix("/"));

        Assert.Equal(1, result.Revision);
        Assert.All(all.Kvs, kv => Assert.Equal(1, kv.ModRevision));
        Assert.Equal(3, all.Count);
    }

    [Fact]
    public async Task TxnAsync_LaterOpRefused_AppliesNothing()
    {
        await using var store = NewStore();
        await store.PutAsync("/keep", "old");

        await Assert.ThrowsAsync<LeaseNotFoundException>(() => store.TxnAsync(
            [],
            [TxnOp.Put("/keep", Bytes("new")), TxnOp.Delete("/keep2"), TxnOp.Put("/leased", Bytes("x"), leaseId: 999)],
            []));

        var all = await store.RangeAsync(KeyRange.Prefix(""));
        Assert.Equal(["/keep"], Keys(all.Kvs));
        Assert.Equal("old", Text(all.Kvs[0]));
        Assert.Equal(1, all.Revision);
    }

    [Fact]
    public async Task TxnAsync_SameKeyPutTwice_ThrowsInvalidTransaction()
    {
        await using var store = NewStore();

        var error = await Assert.ThrowsAsync<InvalidTransactionException>(() => store.TxnAsync([], [TxnOp.Put("/a", Bytes("1")), TxnOp.Put("/a", Bytes("2"))], []));

        Assert.Contains("\"/a\" is put more than once", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("/a"));
    }

    [Fact]
    public async Task TxnAsync_PutInsideDeletedRange_ThrowsInvalidTransaction()
    {
        await using var store = NewStore();

        await Assert.ThrowsAsync<InvalidTransactionException>(() => store.TxnAsync([], [TxnOp.Delete(KeyRange.Prefix("/p/")), TxnOp.Put("/p/a", Bytes("1"))], []));
    }

    [Fact]
    public async Task TxnAsync_GetAfterPut_SeesOwnWrite()
    {
        await using var store = NewStore();

        var result = await store.TxnAsync([], [TxnOp.Put("/a", Bytes("mine")), TxnOp.Get(KeyRange.Prefix("/"))], []);

        Assert.Equal("mine", Text(Assert.Single(result.Responses[1].Kvs)));
    }

    [Fact]
    public async Task TxnAsync_EmptyKey_ThrowsArgument()
    {
        await using var store = NewStore();

        Assert.Throws<ArgumentException>(() => TxnOp.Put("", Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TxnAsync([Compare.Exists("")], [], []));
    }

    [Fact]
    public async Task DeleteAsync_Prefix_RemovesOnlyMatchingKeysAtOneRevision()
    {
        await using var store = NewStore();
        foreach (var key in new[] { "/jobs/1", "/jobs/2", "/jobsx", "/other" })
        {
            await store.PutAsync(key, key);
        }

        var deleted = await store.DeleteAsync(KeyRange.Prefix("/jobs/"));
        var left = await store.RangeAsync(KeyRange.Prefix(""));
        var history = await store.RangeAsync(KeyRange.Prefix("/jobs/"), revision: 4);

        Assert.Equal(2, deleted);
        Assert.Equal(["/jobsx", "/other"], Keys(left.Kvs));
        Assert.Equal(5, left.Revision);
        Assert.Equal(2, history.Count);
    }

    [Fact]
    public async Task WatchAsync_FromRevision_ReplaysHistoryThenFollowsLiveWithoutGaps()
    {
        await using var store = NewStore();
        await store.PutAsync("/w/a", "1");    // 1
        await store.PutAsync("/w/b", "2");    // 2
        await store.DeleteAsync("/w/a");      // 3
        await using var events = store.WatchPrefixAsync("/w/", fromRevision: 2).GetAsyncEnumerator();

        var replayed = await events.TakeAsync(2);
        var live = events.TakeAsync(3);
        await store.PutAsync("/w/c", "3");    // 4
        await store.PutAsync("/other", "x");  // 5, not watched
        await store.TxnAsync([], [TxnOp.Put("/w/d", Bytes("4")), TxnOp.Delete("/w/b")], []);   // 6
        var followed = await live;

        Assert.Equal(["put /w/b@2", "delete /w/a@3"], replayed.Select(Watching.Describe));
        Assert.Equal(["put /w/c@4", "put /w/d@6", "delete /w/b@6"], followed.Select(Watching.Describe));
        Assert.Equal("3", Text(followed[0].Kv));
    }

    [Fact]
    public async Task WatchAsync_FromZero_DeliversOnlyChangesAfterTheCall()
    {
        await using var store = NewStore();
        await store.PutAsync("/a", "old");
        await using var events = store.WatchAsync(KeyRange.Key("/a")).GetAsyncEnumerator();

        var live = events.TakeAsync(2);   // the first MoveNextAsync registers the watch
        await store.PutAsync("/a", "new");
        await store.DeleteAsync("/a");

        Assert.Equal(["put /a@2", "delete /a@3"], (await live).Select(Watching.Describe));
    }

    [Fact]
    public async Task WatchAsync_WhileWritersRun_SeesEveryRevisionOnceInOrder()
    {
        await using var store = NewStore();
        const int Writes = 60;
        await store.PutAsync("/c/0", "0");
        var writers = Task.Run(async () =>
        {
            for (var i = 1; i < Writes; i++)
            {
                await store.PutAsync($"/c/{i % 7}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        await using var events = store.WatchPrefixAsync("/c/", fromRevision: 1).GetAsyncEnumerator();

        var seen = await events.TakeAsync(Writes);
        await writers;

        Assert.Equal(Enumerable.Range(1, Writes).Select(i => (long)i), seen.Select(e => e.Revision));
    }

    [Fact]
    public async Task WatchAsync_Cancelled_EndsWithOperationCanceled()
    {
        await using var store = NewStore();
        using var cancel = new CancellationTokenSource();
        await using var events = store.WatchPrefixAsync("/", cancellationToken: cancel.Token).GetAsyncEnumerator();

        var next = events.MoveNextAsync().AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Watching.Timeout));
        await store.PutAsync("/after", "cancel");   // a cancelled watcher must not block or break writers
    }

    [Fact]
    public async Task WatchAsync_StoreClosed_EndsWithStoreUnavailable()
    {
        var store = NewStore();
        await using var events = store.WatchPrefixAsync("/").GetAsyncEnumerator();
        var next = events.MoveNextAsync().AsTask();

        await store.DisposeAsync();

        await Assert.ThrowsAsync<StoreUnavailableException>(() => next.WaitAsync(Watching.Timeout));
    }

    [Fact]
    public async Task RevokeLeaseAsync_LeaseWithKeys_DeletesThemAtOneRevision()
    {
        await using var store = NewStore();
        var lease = await store.GrantLeaseAsync(TimeSpan.FromMinutes(1));
        await store.PutAsync("/l/a", "1", lease.Id);
        await store.PutAsync("/l/b", "2", lease.Id);
        await store.PutAsync("/l/b", "detached");   // a put without the lease detaches the key

        await store.RevokeLeaseAsync(lease.Id);
        var left = await store.RangeAsync(KeyRange.Prefix("/l/"));

        Assert.Equal(["/l/b"], Keys(left.Kvs));
        Assert.Equal(4, left.Revision);
        await Assert.ThrowsAsync<LeaseNotFoundException>(() => store.RevokeLeaseAsync(lease.Id));
    }

    [Fact]
    public async Task PutAsync_UnknownLease_ThrowsLeaseNotFoundNamingLease()
    {
        await using var store = NewStore();

        var error = await Assert.ThrowsAsync<LeaseNotFoundException>(() => store.PutAsync("/a", "x", leaseId: 42));

        Assert.Equal(42, error.LeaseId);
        Assert.Contains("Lease 42 was not found", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("/a"));
    }

    [Fact]
    public async Task GrantLeaseAsync_TwoLeases_DistinctNonZeroIds()
    {
        await using var store = NewStore();

        var first = await store.GrantLeaseAsync(TimeSpan.FromSeconds(5));
        var second = await store.GrantLeaseAsync(TimeSpan.FromSeconds(5));

        Assert.NotEqual(0, first.Id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(TimeSpan.FromSeconds(5), first.Ttl);
    }

    [Fact]
    public async Task CompactAsync_ThenOlderRevision_ThrowsRevisionCompacted()
    {
        await using var store = NewStore();
        await store.PutAsync("/a", "1");   // 1
        await store.PutAsync("/a", "2");   // 2
        await store.PutAsync("/b", "1");   // 3
        await store.DeleteAsync("/b");     // 4
        await store.PutAsync("/a", "3");   // 5

        await store.CompactAsync(3);

        var error = await Assert.ThrowsAsync<RevisionCompactedException>(() => store.RangeAsync(KeyRange.Prefix("/"), revision: 2));
        Assert.Equal((2L, 3L), (error.RequestedRevision, error.CompactRevision));
        Assert.Contains("has been compacted", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RevisionCompactedException>(async () =>
        {
            await foreach (var _ in store.WatchPrefixAsync("/", fromRevision: 1))
            {
            }
        });
        await Assert.ThrowsAsync<RevisionCompactedException>(() => store.CompactAsync(3));
    }

    [Fact]
    public async Task CompactAsync_AtRevision_KeepsThatRevisionAndLaterReadable()
    {
        await using var store = NewStore();
        await store.PutAsync("/a", "1");   // 1
        await store.PutAsync("/a", "2");   // 2
        await store.PutAsync("/b", "1");   // 3
        await store.DeleteAsync("/b");     // 4
        await store.PutAsync("/a", "3");   // 5

        await store.CompactAsync(3);
        var atThree = await store.RangeAsync(KeyRange.Prefix("/"), revision: 3);
        var atFour = await store.RangeAsync(KeyRange.Prefix("/"), revision: 4);
        await using var events = store.WatchPrefixAsync("/", fromRevision: 3).GetAsyncEnumerator();
        var replay = await events.TakeAsync(3);

        Assert.Equal(["/a=2", "/b=1"], atThree.Kvs.Select(kv => $"{kv.Key}={Text(kv)}"));
        Assert.Equal(["/a=2"], atFour.Kvs.Select(kv => $"{kv.Key}={Text(kv)}"));
        Assert.Equal(["put /b@3", "delete /b@4", "put /a@5"], replay.Select(Watching.Describe));
        Assert.Equal("3", Text((await store.GetAsync("/a"))!));
    }

    [Fact]
    public async Task CompactAsync_FutureRevision_ThrowsFutureRevision()
    {
        await using var store = NewStore();

        await Assert.ThrowsAsync<FutureRevisionException>(() => store.CompactAsync(1));
    }
}
