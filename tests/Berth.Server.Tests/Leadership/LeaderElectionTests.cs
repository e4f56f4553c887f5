using System.Diagnostics;
using Berth.Server.Leadership;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;
using Berth.Store.Sqlite;

namespace Berth.Server.Tests.Leadership;

/// <summary>Leader election on the embedded store (in memory): one leader at a time, and hand-over on expiry, revocation and resignation.</summary>
public sealed class LeaderElectionTests : IAsyncLifetime
{
    private static readonly TimeSpan ShortLease = LeaderElection.MinimumLease;

    private readonly SqliteStore _store = SqliteStore.Open(new SqliteStoreOptions { DataSource = ":memory:", LeaseCheckInterval = TimeSpan.FromMilliseconds(50) });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task RunAsync_ThreeElectorsOnOneStore_ExactlyOneLeadsAndEveryoneSeesIt()
    {
        await using var electors = new Electors(_store, ShortLease);
        electors.Add();
        electors.Add();
        electors.Add();

        var leader = await electors.WaitForLeaderAsync();
        await Electors.WaitForAsync(
            () => Enumerable.Range(0, 3).All(i => electors[i].Leader?.Id == leader.ServerId),
            "every elector to see the leader");

        Assert.Single(electors.Leaders());
        var key = await _store.GetAsync(KeyLayout.Leader);
        Assert.NotNull(key);
        Assert.Equal(leader.Current!.Revision, key.CreateRevision);
        Assert.Equal(leader.Current.LeaseId, key.Lease);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(key.CreateRevision, electors[i].Leader!.Value.Term));
    }

    [Fact]
    public async Task RunAsync_LeaderLeaseRevoked_LeaderStepsDownAndALeaderIsElectedInANewTerm()
    {
        await using var electors = new Electors(_store, ShortLease);
        electors.Add();
        electors.Add();
        var first = await electors.WaitForLeaderAsync();
        var term = first.Current!;

        await _store.RevokeLeaseAsync(term.LeaseId);

        // Either elector may win the new campaign (the old leader included), but in a new term.
        await Electors.WaitForAsync(() => electors.Leaders() is [var next] && next.Current is { } current && current.Revision > term.Revision, "a leader in a new term");
        Assert.True(term.IsLost);
    }

    [Fact]
    public async Task RunAsync_LeaderCutOffFromTheStore_StepsDownBeforeItsLeaseExpiresThenAnotherLeads()
    {
        await using var electors = new Electors(_store, ShortLease);
        electors.Add();
        var first = await electors.WaitForLeaderAsync();
        electors.Add();
        var term = first.Current!;
        var lostAt = new TaskCompletionSource<DateTimeOffset>();
        term.Lost.Register(() => lostAt.TrySetResult(DateTimeOffset.UtcNow));

        var cutOff = Stopwatch.StartNew();
        electors.View(0).Unreachable = true;

        var second = await electors.WaitForLeaderAsync(not: first);
        var stepDown = await lostAt.Task.WaitAsync(Electors.WaitLimit);
        // The old leader stops before the store lets anyone else win: no two leaders at any time.
        Assert.True(stepDown < second.Current!.Since, $"stepped down at {stepDown:O}, the new leader started at {second.Current.Since:O}");
        Assert.False(first.IsLeader);
        // The cut-off leader could not resign: the follower won only once the lease had expired.
        Assert.True(cutOff.Elapsed < ShortLease + TimeSpan.FromSeconds(2), $"a new leader took {cutOff.Elapsed}");
    }

    [Fact]
    public async Task RunAsync_LeaderStops_ResignsSoAnotherLeadsWithoutWaitingOutTheLease()
    {
        // A long lease: a follower could only win this fast if the leader gave its lease back.
        var lease = TimeSpan.FromSeconds(60);
        await using var electors = new Electors(_store, lease);
        electors.Add();
        var first = await electors.WaitForLeaderAsync();
        electors.Add();
        await Electors.WaitForAsync(() => electors[1].Leader?.Id == first.ServerId, "the follower to see the leader");

        var stopwatch = Stopwatch.StartNew();
        await electors.StopAsync(0);
        var second = await electors.WaitForLeaderAsync(not: first);

        Assert.Equal("server-1", second.ServerId);
        Assert.True(stopwatch.Elapsed < lease / 4, $"took {stopwatch.Elapsed}");
        Assert.False(first.IsLeader);
    }

    [Fact]
    public async Task RunAsync_LeaderKeyDeleted_LeaderStepsDown()
    {
        await using var electors = new Electors(_store, TimeSpan.FromSeconds(60));
        electors.Add();
        var first = await electors.WaitForLeaderAsync();
        var term = first.Current!;

        await _store.DeleteAsync(KeyLayout.Leader);

        await Electors.WaitForAsync(() => term.IsLost, "the leader to step down");
        // Alone, it campaigns again and leads in a new term.
        await Electors.WaitForAsync(() => first.Current is { } next && next.Revision > term.Revision, "a new term");
    }

    [Fact]
    public async Task WaitForLeadershipAsync_Leading_CompletesWithTheCurrentTerm()
    {
        await using var electors = new Electors(_store, ShortLease);
        var election = electors.Add();

        var term = await election.WaitForLeadershipAsync().WaitAsync(Electors.WaitLimit);

        Assert.Same(election.Current, term);
        Assert.Equal("server-0", term.ServerId);
    }

    [Fact]
    public async Task RunAsync_InvalidServerId_Throws()
    {
        var election = new LeaderElection(_store, ShortLease);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => election.RunAsync("Not_Valid", CancellationToken.None));

        Assert.Contains("--server-id 'Not_Valid'", error.Message, StringComparison.Ordinal);
    }
}
