using System.Text;
using Berth.Server.Leadership;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;
using Berth.Store.Sqlite;

namespace Berth.Server.Tests.Leadership;

/// <summary>The fence on the leader's writes: a deposed leader that has not noticed yet is refused by the store.</summary>
public sealed class LeadershipFenceTests : IAsyncLifetime
{
    private readonly SqliteStore _store = SqliteStore.Open(new SqliteStoreOptions { DataSource = ":memory:", LeaseCheckInterval = TimeSpan.FromMilliseconds(50) });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static Task<TxnResult> PutAsync(IKeyValueStore store, string key) =>
        store.TxnAsync([], [TxnOp.Put(key, Encoding.UTF8.GetBytes("v"))], []);

    [Fact]
    public async Task TxnAsync_DeposedLeaderThatHasNotNoticed_ThrowsAndWritesNothing()
    {
        await using var electors = new Electors(_store, TimeSpan.FromSeconds(60));
        // The first leader's watch stays silent: it keeps believing it leads after losing the key.
        var first = electors.Add(view => view.SilenceWatches = true);
        await electors.WaitForLeaderAsync();
        var deposedTerm = first.Current!;
        await _store.DeleteAsync(KeyLayout.Leader);
        var second = electors.Add();
        await Electors.WaitForAsync(() => second.IsLeader, "the second elector to lead");
        Assert.True(first.IsLeader, "the first elector should not have noticed yet");

        var error = await Assert.ThrowsAsync<LeadershipLostException>(() => PutAsync(new LeadershipFence(_store, first), "/fenced/deposed"));

        Assert.Null(await _store.GetAsync("/fenced/deposed"));
        Assert.Equal(deposedTerm.Revision, error.Term);
        Assert.Contains("is no longer the leader", error.Message, StringComparison.Ordinal);
        // The refusal ends the term at once, without waiting for the watch.
        Assert.True(deposedTerm.IsLost);
        Assert.False(first.IsLeader);
        // The new leader's fenced writes go through.
        Assert.True((await PutAsync(new LeadershipFence(_store, second), "/fenced/current")).Succeeded);
        Assert.NotNull(await _store.GetAsync("/fenced/current"));
    }

    [Fact]
    public async Task TxnAsync_LeaderWhoseOwnCompareFails_ReturnsItsFailureBranchOnly()
    {
        await using var electors = new Electors(_store, TimeSpan.FromSeconds(60));
        var leader = electors.Add();
        await electors.WaitForLeaderAsync();
        await _store.PutAsync("/fenced/x", "old");
        var fence = new LeadershipFence(_store, leader);

        var result = await fence.TxnAsync(
            [Compare.ModRevision("/fenced/x", CompareOp.Equal, 1)],
            [TxnOp.Put("/fenced/x", Encoding.UTF8.GetBytes("new"))],
            [TxnOp.Get("/fenced/x")]);

        Assert.False(result.Succeeded);
        var only = Assert.Single(result.Responses);
        Assert.Equal("old", Encoding.UTF8.GetString(only.Single!.Value.Span));
        Assert.True(leader.IsLeader);
    }

    [Fact]
    public async Task TxnAsync_NotLeading_ThrowsWithoutWriting()
    {
        var election = new LeaderElection(_store, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<LeadershipLostException>(() => PutAsync(new LeadershipFence(_store, election), "/fenced/never"));

        Assert.Equal(0, error.Term);
        Assert.Null(await _store.GetAsync("/fenced/never"));
    }

    [Fact]
    public async Task TxnAsync_ReadOnly_PassesWithoutLeading()
    {
        await _store.PutAsync("/fenced/read", "v");
        var fence = new LeadershipFence(_store, new LeaderElection(_store, TimeSpan.FromSeconds(5)));

        var result = await fence.TxnAsync([], [TxnOp.Get("/fenced/read")], []);

        Assert.True(result.Succeeded);
        Assert.NotNull(result.Responses[0].Single);
    }

    [Fact]
    public async Task TxnAsync_FailureBranchWrites_ThrowsWithoutWriting()
    {
        await using var electors = new Electors(_store, TimeSpan.FromSeconds(60));
        var leader = electors.Add();
        await electors.WaitForLeaderAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => new LeadershipFence(_store, leader).TxnAsync(
            [Compare.Missing("/fenced/y")], [TxnOp.Put("/fenced/y", Encoding.UTF8.GetBytes("a"))], [TxnOp.Put("/fenced/z", Encoding.UTF8.GetBytes("b"))]));

        Assert.Null(await _store.GetAsync("/fenced/y"));
        Assert.Null(await _store.GetAsync("/fenced/z"));
    }
}
