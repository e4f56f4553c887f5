using Berth.Server.Nodes;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Nodes;

/// <summary><see cref="HeartbeatBatcher"/>: many beats, few transactions, all or nothing per batch.</summary>
public sealed class HeartbeatBatcherTests : IAsyncLifetime
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly ManualTimeProvider _clock = new(StateFixtures.T0);
    private readonly IKeyValueStore _inner = StateFixtures.Store();
    private CountingStore _store = null!;
    private EventLog _log = null!;
    private NodeManager _nodes = null!;
    private HeartbeatBatcher _batcher = null!;

    public Task InitializeAsync()
    {
        _store = new CountingStore(_inner);
        _log = new EventLog(_store, _clock, "nodes");
        // A long window, so beats started together always meet in it.
        _nodes = new NodeManager(_store, _log, new NodeManagerOptions { HeartbeatBatchWindow = TimeSpan.FromMilliseconds(500) });
        _batcher = new HeartbeatBatcher(_store, _nodes);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _batcher.DisposeAsync();
        await _inner.DisposeAsync();
    }

    private async Task<string[]> RegisterAsync(int count)
    {
        var names = Enumerable.Range(0, count).Select(i => $"n{i:D3}").ToArray();
        foreach (var name in names)
        {
            await _nodes.RegisterAsync(StateFixtures.Node(name).Spec);
        }
        return names;
    }

    private async Task<NodeHeartbeat> HeartbeatOfAsync(string name) =>
        StateSerializer.Deserialize<NodeHeartbeat>((await _inner.GetAsync(KeyLayout.Heartbeat(name)))!.Value.Span);

    private async Task<IReadOnlyList<(string Key, long ModRevision)>> DumpAsync() =>
        [.. (await _inner.RangeAsync(KeyRange.Prefix("/"))).Kvs.Select(kv => (kv.Key, kv.ModRevision))];

    [Fact]
    public async Task HeartbeatAsync_200ConcurrentBeats_FourBatchesEachBeatStored()
    {
        var names = await RegisterAsync(200);
        _clock.Advance(5 * Second);
        int reads = _store.Reads, writes = _store.Writes;

        var outcomes = await Task.WhenAll(names.Select(name => _batcher.HeartbeatAsync(name)));

        Assert.All(outcomes, o => Assert.Equal(HeartbeatOutcome.Recorded, o));
        // 200 nodes in batches of 64: 4 batches, each one read and one write, instead of 200 of each.
        Assert.Equal(4, _batcher.Batches);
        Assert.Equal(200, _batcher.BatchedBeats);
        Assert.Equal(4, _store.Writes - writes);
        Assert.Equal(4, _store.Reads - reads);
        Assert.InRange(_store.LargestTransaction, 1, 128);
        foreach (var name in names)
        {
            Assert.Equal(_clock.GetUtcNow(), (await HeartbeatOfAsync(name)).Time);
        }
        Assert.DoesNotContain(await _log.ReadAfterAsync(0), e => e.Type == ClusterEventType.NodeReady);
    }

    [Fact]
    public async Task HeartbeatAsync_NotReadyNodeAmongReadyOnes_BecomesReadyThroughItsOwnTransaction()
    {
        var names = await RegisterAsync(3);
        _clock.Advance(16 * Second);
        await _nodes.HeartbeatAsync(names[0]);
        await _nodes.HeartbeatAsync(names[1]);
        var check = await _nodes.CheckAsync();
        Assert.Equal([names[2]], check.NotReady);

        var outcomes = await Task.WhenAll(names.Select(name => _batcher.HeartbeatAsync(name)));

        Assert.Equal([HeartbeatOutcome.Recorded, HeartbeatOutcome.Recorded, HeartbeatOutcome.BecameReady], outcomes);
        var node = StateSerializer.Deserialize<NodeRecord>((await _inner.GetAsync(KeyLayout.Node(names[2])))!.Value.Span);
        Assert.True(node.Status.Ready);
        Assert.Single(await _log.ReadAfterAsync(0), e => e.Type == ClusterEventType.NodeReady && e.Subject == names[2]);
    }

    [Fact]
    public async Task HeartbeatAsync_UnknownNode_SaysSoAndWritesNothing()
    {
        var names = await RegisterAsync(1);
        var before = await DumpAsync();

        var outcomes = await Task.WhenAll(_batcher.HeartbeatAsync("ghost"), _batcher.HeartbeatAsync("ghost"));

        Assert.Equal([HeartbeatOutcome.UnknownNode, HeartbeatOutcome.UnknownNode], outcomes);
        Assert.Equal(before, await DumpAsync());
        Assert.Equal(HeartbeatOutcome.Recorded, await _batcher.HeartbeatAsync(names[0]));
    }

    [Fact]
    public async Task HeartbeatAsync_InvalidName_ThrowsAtOnce() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _batcher.HeartbeatAsync("Not_Valid"));

    [Fact]
    public async Task HeartbeatAsync_StoreFailsTheWrite_EveryCallerOfTheBatchFailsAndNothingIsWritten()
    {
        var names = await RegisterAsync(10);
        var before = await DumpAsync();
        _clock.Advance(5 * Second);
        var failure = new StoreUnavailableException("the store is down");
        _store.FailWrites = failure;

        var beats = names.Select(name => _batcher.HeartbeatAsync(name)).ToArray();

        foreach (var beat in beats)
        {
            Assert.Same(failure, await Assert.ThrowsAsync<StoreUnavailableException>(() => beat));
        }
        Assert.Equal(before, await DumpAsync());

        // The next batch works again.
        _store.FailWrites = null;
        Assert.All(await Task.WhenAll(names.Select(name => _batcher.HeartbeatAsync(name))), o => Assert.Equal(HeartbeatOutcome.Recorded, o));
    }

    [Fact]
    public async Task HeartbeatAsync_NodeChangesBetweenReadAndWrite_EveryBeatStillRecordedOneByOne()
    {
        var names = await RegisterAsync(5);
        _clock.Advance(5 * Second);
        // A cordon lands just before the batch's write: the batch's compares fail, and each beat goes alone.
        var interfering = new InterferingStore(_inner);
        await using var batcher = new HeartbeatBatcher(interfering, new NodeManager(interfering, _log));
        interfering.BeforeNextWrite = async store => await new NodeManager(store, _log).CordonAsync(names[3]);

        var outcomes = await Task.WhenAll(names.Select(name => batcher.HeartbeatAsync(name)));

        Assert.All(outcomes, o => Assert.Equal(HeartbeatOutcome.Recorded, o));
        Assert.Equal(1, interfering.FailedWrites);
        foreach (var name in names)
        {
            Assert.Equal(_clock.GetUtcNow(), (await HeartbeatOfAsync(name)).Time);
        }
        Assert.Equal(0, batcher.BatchedBeats);
    }

    [Fact]
    public async Task HeartbeatAsync_SameNodeTwiceInOneBatch_WritesOnceAnswersBoth()
    {
        var names = await RegisterAsync(1);
        int writes = _store.Writes;

        var outcomes = await Task.WhenAll(_batcher.HeartbeatAsync(names[0]), _batcher.HeartbeatAsync(names[0]));

        Assert.Equal([HeartbeatOutcome.Recorded, HeartbeatOutcome.Recorded], outcomes);
        Assert.Equal(1, _store.Writes - writes);
    }

    [Theory]
    [InlineData("size 0", 0, 100, "Nodes:HeartbeatBatchSize is 0")]
    [InlineData("size 65", 65, 100, "Nodes:HeartbeatBatchSize is 65")]
    [InlineData("window 0", 64, 0, "Nodes:HeartbeatBatchWindow is 00:00:00")]
    public void Options_BatchOutOfRange_NamesTheKey(string name, int size, int windowMs, string expected)
    {
        _ = name;
        var options = new NodeManagerOptions { HeartbeatBatchSize = size, HeartbeatBatchWindow = TimeSpan.FromMilliseconds(windowMs) };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
