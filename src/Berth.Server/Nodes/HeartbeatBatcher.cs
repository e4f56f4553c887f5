using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Nodes;

/// <summary>
/// Group commit for heartbeats: beats that arrive within <see cref="NodeManagerOptions.HeartbeatBatchWindow"/> of each
/// other are recorded in one store transaction, so 5,000 nodes beating every 2 s cost a few dozen transactions a
/// second instead of 2,500 (each beat used to be a read and a write of its own).
/// </summary>
/// <remarks>
/// <para>The first beat of a batch opens the window; the batch closes when the window ends or it holds
/// <see cref="NodeManagerOptions.HeartbeatBatchSize"/> distinct nodes (at most <see cref="MaxBatchSize"/>). A batch is one
/// read transaction (each node and its heartbeat key: two gets per node) and one write transaction (per node: a compare
/// on the node's mod revision and a put of its heartbeat), so neither passes etcd's default <c>--max-txn-ops</c> of
/// 128. Batches commit one after another; beats that arrive meanwhile form the next one.</para>
/// <para>Only the plain case is batched: a beat of a Ready node, which writes <c>/heartbeats/{node}</c> and nothing else.
/// A beat that changes the node (NotReady or lost until now: Ready again, with its event) goes through
/// <see cref="NodeManager.HeartbeatAsync"/>'s own compare-and-retry path, as does every beat of a batch whose write lost
/// to a concurrent change of one of its nodes (the batch commits all or nothing, so nothing is half-written; the retry
/// re-reads each node). The liveness semantics are <see cref="NodeManager.HeartbeatAsync"/>'s: the node compare orders a
/// beat against a check that turns the node NotReady, and the beat's time is taken when its batch is read.</para>
/// <para>Each caller awaits its own beat's outcome: a store that fails the batch's read or write fails every caller of
/// that batch with the store's exception, as an unbatched beat would have failed. Several beats of one node in one batch
/// write once and share the outcome.</para>
/// </remarks>
public sealed class HeartbeatBatcher : IAsyncDisposable
{
    /// <summary>Most nodes in one batch: two gets per node in the read keep it within etcd's default 128 operations per transaction.</summary>
    public const int MaxBatchSize = 64;

    private readonly IKeyValueStore _store;
    private readonly NodeManager _nodes;
    private readonly TimeProvider _time;
    private readonly BatchWindow<Beat> _beats;
    private readonly int _batchSize;
    private readonly Task _loop;
    private long _batches;
    private long _batchedBeats;

    /// <summary>Starts the batching loop.</summary>
    /// <param name="store">The cluster store (the same as <paramref name="nodes"/>').</param>
    /// <param name="nodes">The node manager: its options give the window and batch size, its clock the beat time, and its
    /// <see cref="NodeManager.HeartbeatAsync"/> takes the beats that change a node.</param>
    public HeartbeatBatcher(IKeyValueStore store, NodeManager nodes)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(nodes);
        _store = store;
        _nodes = nodes;
        _time = nodes.Time;
        _beats = new BatchWindow<Beat>(nodes.Options.HeartbeatBatchWindow);
        _batchSize = nodes.Options.HeartbeatBatchSize;
        _loop = Task.Run(() => RunAsync(CancellationToken.None));
    }

    /// <summary>How many batches were written (each one read and one write transaction).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>How many beats were recorded by batch writes (beats that went through <see cref="NodeManager.HeartbeatAsync"/> not counted).</summary>
    public long BatchedBeats => Interlocked.Read(ref _batchedBeats);

    /// <summary>Records a heartbeat of <paramref name="nodeName"/> with the next batch; completes when that batch committed.</summary>
    /// <returns>As <see cref="NodeManager.HeartbeatAsync"/>.</returns>
    /// <exception cref="ArgumentException">The node name is invalid.</exception>
    /// <exception cref="InvalidOperationException">The beat changed the node and concurrent writes kept winning; nothing was written.</exception>
    /// <exception cref="StoreException">The store failed the batch; nothing of it was written.</exception>
    public Task<HeartbeatOutcome> HeartbeatAsync(string nodeName, CancellationToken cancellationToken = default)
    {
        // A bad name fails its caller at once rather than the batch it would join.
        _ = KeyLayout.Node(nodeName);
        var beat = new Beat(nodeName);
        if (!_beats.TryAdd(beat))
        {
            // Stopping: no batch will come, so beat alone.
            return _nodes.HeartbeatAsync(nodeName, cancellationToken);
        }
        return beat.Outcome.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the loop once the beats already queued are written.</summary>
    public async ValueTask DisposeAsync()
    {
        _beats.Complete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var batch = new List<Beat>(_batchSize);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Beats of a node already in the batch ride along; a new node only while there is room.
        bool Admit(Beat next) => seen.Contains(next.Node) || (seen.Count < _batchSize && seen.Add(next.Node));
        while (await _beats.NextAsync(batch, Admit, () => seen.Count >= _batchSize, ct).ConfigureAwait(false))
        {
            await CommitAsync(batch, ct).ConfigureAwait(false);
            seen.Clear();
        }
    }

    private async Task CommitAsync(List<Beat> batch, CancellationToken ct)
    {
        var byNode = new Dictionary<string, List<Beat>>(StringComparer.Ordinal);
        foreach (var beat in batch)
        {
            if (!byNode.TryGetValue(beat.Node, out var beats))
            {
                beats = [];
                byNode[beat.Node] = beats;
            }
            beats.Add(beat);
        }
        var names = byNode.Keys.ToList();
        List<string> single;
        try
        {
            single = await WriteAsync(names, byNode, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var beat in batch)
            {
                beat.Outcome.TrySetException(e);
            }
            return;
        }
        Interlocked.Increment(ref _batches);
        // The beats that change their node, or lost a race: one by one, each through the node's own CAS path.
        await Task.WhenAll(single.Select(name => BeatAloneAsync(name, byNode[name], ct))).ConfigureAwait(false);
    }

    // Reads the batch's nodes and heartbeats, writes the plain beats in one transaction and completes their callers;
    // returns the nodes left for the single path (Ready transitions, or every node when the write lost a race).
    private async Task<List<string>> WriteAsync(List<string> names, Dictionary<string, List<Beat>> byNode, CancellationToken ct)
    {
        var gets = new List<TxnOp>(names.Count * 2);
        foreach (var name in names)
        {
            gets.Add(TxnOp.Get(KeyLayout.Node(name)));
            gets.Add(TxnOp.Get(KeyLayout.Heartbeat(name)));
        }
        var read = await _store.TxnAsync([], gets, [], ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var compares = new List<Compare>(names.Count);
        var puts = new List<TxnOp>(names.Count);
        var plain = new List<string>(names.Count);
        var single = new List<string>();
        var value = StateSerializer.Serialize(new NodeHeartbeat(now));
        for (int i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (read.Responses[2 * i].Single is not { } nodeKv)
            {
                Complete(byNode[name], HeartbeatOutcome.UnknownNode);
                continue;
            }
            var record = StateSerializer.Read<NodeRecord>(nodeKv);
            var heartbeat = read.Responses[(2 * i) + 1].Single is { } heartbeatKv ? StateSerializer.Read<NodeHeartbeat>(heartbeatKv) : null;
            if (!record.Status.Ready || heartbeat?.LostAt is not null)
            {
                single.Add(name);
                continue;
            }
            compares.Add(Compare.ModRevision(KeyLayout.Node(name), CompareOp.Equal, nodeKv.ModRevision));
            puts.Add(TxnOp.Put(KeyLayout.Heartbeat(name), value));
            plain.Add(name);
        }
        if (plain.Count == 0)
        {
            return single;
        }
        var commit = await _store.TxnAsync(compares, puts, [], ct).ConfigureAwait(false);
        if (!commit.Succeeded)
        {
            single.AddRange(plain);
            return single;
        }
        foreach (var name in plain)
        {
            Complete(byNode[name], HeartbeatOutcome.Recorded);
            Interlocked.Add(ref _batchedBeats, byNode[name].Count);
        }
        return single;
    }

    private async Task BeatAloneAsync(string name, List<Beat> beats, CancellationToken ct)
    {
        try
        {
            Complete(beats, await _nodes.HeartbeatAsync(name, ct).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            foreach (var beat in beats)
            {
                beat.Outcome.TrySetException(e);
            }
        }
    }

    private static void Complete(List<Beat> beats, HeartbeatOutcome outcome)
    {
        foreach (var beat in beats)
        {
            beat.Outcome.TrySetResult(outcome);
        }
    }

    // One caller's beat; completed when its batch committed (continuations run on their own, not in the loop).
    private sealed class Beat(string node)
    {
        public string Node { get; } = node;

        public TaskCompletionSource<HeartbeatOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
