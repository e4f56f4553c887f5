using System.Globalization;
using Berth.Store.Sqlite;

namespace Berth.Store.Tests;

/// <summary>The conformance suite on a real database file, plus what only the SQLite backend promises (reopen, file locking).</summary>
public sealed class SqliteStoreConformanceTests : ClockDrivenStoreConformanceTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("berth-store-").FullName;

    private string DatabasePath => Path.Combine(_directory, "berth.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    protected override IKeyValueStore CreateStore(TimeProvider time) => Open(time);

    private SqliteStore Open(TimeProvider time, string? path = null, TimeSpan? busyTimeout = null) =>
        SqliteStore.Open(new SqliteStoreOptions { DataSource = path ?? DatabasePath, BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5) }, time);

    [Fact]
    public async Task Open_SameFileAgain_KeepsDataRevisionAndLeases()
    {
        long leaseId;
        await using (var store = Open(Clock))
        {
            leaseId = (await store.GrantLeaseAsync(TimeSpan.FromSeconds(30))).Id;
            await store.PutAsync("/a", "1");
            await store.PutAsync("/a", "2", leaseId);
            await store.PutAsync("/b", "1");
        }

        await using var reopened = Open(Clock);
        var a = await reopened.GetAsync("/a");
        var next = await reopened.PutAsync("/c", "1");
        var atOne = await reopened.RangeAsync(KeyRange.Key("/a"), revision: 1);
        var newLease = await reopened.GrantLeaseAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(("2", 2L, leaseId), (Text(a!), a!.Version, a.Lease));
        Assert.Equal(4, next);
        Assert.Equal("1", Text(Assert.Single(atOne.Kvs)));
        Assert.Equal(leaseId + 1, newLease.Id);
        await reopened.KeepAliveAsync(leaseId);
    }

    [Fact]
    public async Task Open_LeaseDeadlinePassedWhileClosed_ExpiresKeysOnFirstCall()
    {
        await using (var store = Open(Clock))
        {
            var lease = await store.GrantLeaseAsync(TimeSpan.FromSeconds(10));
            await store.PutAsync("/a", "x", lease.Id);
        }

        Clock.Advance(TimeSpan.FromSeconds(11));
        await using var reopened = Open(Clock);

        Assert.Null(await reopened.GetAsync("/a"));
        Assert.Equal(2, (await reopened.RangeAsync(KeyRange.Prefix(""))).Revision);
    }

    [Fact]
    public async Task Open_FileHeldByAnotherStore_ThrowsStoreUnavailableNamingFile()
    {
        await using var first = Open(Clock);
        await first.PutAsync("/a", "1");

        var error = Assert.Throws<StoreUnavailableException>(() => Open(Clock, busyTimeout: TimeSpan.FromMilliseconds(50)));

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_File_WritesThroughWriteAheadLog()
    {
        await using var store = Open(Clock);

        await store.PutAsync("/a", "1");

        Assert.True(File.Exists(DatabasePath + "-wal"), "expected a WAL file beside the database");
    }

    [Fact]
    public void Open_DirectoryMissing_ThrowsStoreUnavailableNamingFile()
    {
        var path = Path.Combine(_directory, "missing", "berth.db");

        var error = Assert.Throws<StoreUnavailableException>(() => Open(Clock, path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutAsync_ConcurrentWriters_ProduceContiguousRevisions()
    {
        await using var store = Open(Clock);
        const int Writers = 8;
        const int PerWriter = 25;

        var revisions = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var i = 0; i < PerWriter; i++)
            {
                mine.Add(await store.PutAsync($"/w/{w}/{i}", "x"));
            }

            return mine;
        })));

        Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(i => (long)i), revisions.SelectMany(r => r).Order());
        Assert.All(revisions, r => Assert.Equal(r.Order(), r));
        var all = await store.RangeAsync(KeyRange.Prefix("/w/"));
        Assert.Equal((Writers * PerWriter, (long)Writers * PerWriter), (all.Kvs.Count, all.Revision));
    }

    [Fact]
    public async Task CompareAndSwapAsync_ConcurrentIncrements_LoseNoUpdate()
    {
        await using var store = Open(Clock);
        const int Workers = 4;
        const int PerWorker = 15;
        await store.PutAsync("/counter", "0");

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var done = 0; done < PerWorker;)
            {
                var current = (await store.GetAsync("/counter"))!;
                var next = int.Parse(Text(current), CultureInfo.InvariantCulture) + 1;
                var result = await store.CompareAndSwapAsync("/counter", current.ModRevision, Bytes(next.ToString(CultureInfo.InvariantCulture)));
                done += result.Succeeded ? 1 : 0;
            }
        })));

        var counter = (await store.GetAsync("/counter"))!;
        Assert.Equal((Workers * PerWorker).ToString(CultureInfo.InvariantCulture), Text(counter));
        Assert.Equal(1 + Workers * PerWorker, counter.ModRevision);
    }
}
