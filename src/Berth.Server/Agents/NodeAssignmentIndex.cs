using System.Threading.Channels;
using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.State;
using Berth.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Server.Agents;

/// <summary>
/// Every assignment by node, in memory, fed by one store watch per server, so the WatchAssignments streams of thousands
/// of agents cost nothing while nothing changes and only the streams of the nodes whose set changed wake up.
/// </summary>
/// <remarks>
/// <para>Before, each stream opened two watches (assignments and workloads) and re-read every assignment and workload on
/// any change anywhere: with N streams and M assignments, one placement cost N reads of M keys — quadratic at 5,000
/// nodes and 100,000 assignments.</para>
/// <para>Now one full read of <c>/assignments/</c> and <c>/workloads/</c> at one revision, then one watch per prefix
/// from the next revision (<see cref="ResumingWatch"/>), applied by one loop. Each node has a version that moves when
/// its set may have changed: an assignment placed on it, moved away from it, changed or removed, or a workload changed
/// or removed that one of its assignments belongs to. <see cref="WaitForChangeAsync"/> wakes only on its node's
/// version. When the watch lost history to compaction, or failed, the index reads everything again at a new revision
/// and moves the version of every node whose set differs; events at or below that revision are skipped.</para>
/// <para>It depends on the store alone, not on the control loop, so it runs on every server (leader or not).
/// <see cref="SetAsync"/> builds a node's set from memory; only the spec of an older workload revision (a replica not
/// yet replaced by a rolling update) comes from <see cref="WorkloadHistory"/>, which caches it.</para>
/// </remarks>
public sealed class NodeAssignmentIndex : BackgroundService
{
    /// <summary>How long the index waits before reading everything again after the store failed its watch.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly IKeyValueStore _store;
    private readonly WorkloadHistory _history;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (Assignment Value, long ModRevision)> _assignments = new(StringComparer.Ordinal);
    private readonly Dictionary<WorkloadKey, (WorkloadSpec Spec, long ModRevision)> _workloads = [];
    // Which nodes hold assignments of each workload, with how many: a workload change wakes only those.
    private readonly Dictionary<WorkloadKey, Dictionary<string, int>> _nodesOfWorkload = [];
    private readonly Dictionary<string, NodeEntry> _nodes = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _revision;
    private long _floor;
    private long _relists;

    /// <summary>Creates the index; it fills once started (<see cref="BackgroundService.StartAsync"/>).</summary>
    public NodeAssignmentIndex(IKeyValueStore store, WorkloadHistory history, ILogger<NodeAssignmentIndex>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(history);
        _store = store;
        _history = history;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The store revision the index reflects (at least).</summary>
    public long Revision
    {
        get
        {
            lock (_lock)
            {
                return _revision;
            }
        }
    }

    /// <summary>How many times the index read everything again (after compaction or a failed watch), the first fill not counted.</summary>
    public long Relists => Interlocked.Read(ref _relists);

    /// <summary>Completes once the first full read is in memory.</summary>
    public Task WaitReadyAsync(CancellationToken cancellationToken = default) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>The version of <paramref name="node"/>'s set: it moves whenever the set may have changed.</summary>
    public long Version(string node)
    {
        lock (_lock)
        {
            return Entry(node).Version;
        }
    }

    /// <summary>
    /// Waits until <paramref name="node"/>'s version moves past <paramref name="seen"/> or <paramref name="timeout"/>
    /// passes; true when it moved.
    /// </summary>
    public async Task<bool> WaitForChangeAsync(string node, long seen, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        Task changed;
        lock (_lock)
        {
            var entry = Entry(node);
            if (entry.Version != seen)
            {
                return true;
            }
            changed = entry.Waiter();
        }
        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }
        try
        {
            await changed.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// <paramref name="node"/>'s assignments whose workload exists, in key order, each with the spec and revision it was
    /// placed with, as <see cref="AgentOperations.AssignmentsAsync"/> answers from the store. Does not check that the
    /// node is registered.
    /// </summary>
    public async Task<AgentAssignmentsResponse> SetAsync(string node, CancellationToken cancellationToken = default)
    {
        List<(string Key, Assignment Value, long ModRevision, WorkloadSpec Spec, long WorkloadRevision)> items;
        long revision;
        lock (_lock)
        {
            revision = _revision;
            var entry = Entry(node);
            items = new List<(string, Assignment, long, WorkloadSpec, long)>(entry.Keys.Count);
            foreach (var key in entry.Keys)
            {
                var (value, modRevision) = _assignments[key];
                if (_workloads.TryGetValue(value.Workload, out var workload))
                {
                    items.Add((key, value, modRevision, workload.Spec, workload.ModRevision));
                }
            }
        }
        items.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var set = new List<AgentAssignment>(items.Count);
        foreach (var item in items)
        {
            var (spec, workloadRevision) = (item.Spec, item.WorkloadRevision);
            // A replica runs the revision it was placed with until the rolling replacement reaches it.
            if (item.Value.WorkloadRevision != workloadRevision
                && await _history.AtAsync(item.Value.Workload, item.Value.WorkloadRevision, cancellationToken).ConfigureAwait(false) is { } placedWith)
            {
                (spec, workloadRevision) = (placedWith, item.Value.WorkloadRevision);
            }
            set.Add(new AgentAssignment(item.Key, item.ModRevision, item.Value, spec, workloadRevision));
        }
        return new AgentAssignmentsResponse(node, revision, set);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first read of 100,000 assignments must not hold up the host's start.
        await Task.Yield();
        bool first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                long revision = await ListAsync(stoppingToken).ConfigureAwait(false);
                if (!first)
                {
                    Interlocked.Increment(ref _relists);
                }
                first = false;
                _ready.TrySetResult();
                await FollowAsync(revision, stoppingToken).ConfigureAwait(false);
                AgentsLog.IndexWatchFailed(_logger, "the watch ended", RetryDelay.TotalSeconds);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever failed (the store, a value that does not read), the index must outlive it: streams wait on it.
                AgentsLog.IndexWatchFailed(_logger, e.Message, RetryDelay.TotalSeconds);
            }
            try
            {
                await Task.Delay(RetryDelay, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // One read of both prefixes at one revision; replaces the index and wakes the nodes whose sets differ.
    private async Task<long> ListAsync(CancellationToken ct)
    {
        var read = await _store.TxnAsync(
            [],
            [TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix)), TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix))],
            [],
            ct).ConfigureAwait(false);
        var workloads = new Dictionary<WorkloadKey, (WorkloadSpec, long)>();
        foreach (var kv in read.Responses[0].Kvs)
        {
            if (KeyLayout.TryParseWorkload(kv.Key, out var key))
            {
                workloads[key] = (StateSerializer.Read<WorkloadSpec>(kv), kv.ModRevision);
            }
        }
        var assignments = new Dictionary<string, (Assignment, long)>(StringComparer.Ordinal);
        foreach (var kv in read.Responses[1].Kvs)
        {
            if (KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            {
                assignments[kv.Key] = (StateSerializer.Read<Assignment>(kv), kv.ModRevision);
            }
        }
        lock (_lock)
        {
            // Every node that had or has an assignment, or whose workload changed, may have a different set now: the
            // cheap, safe answer after a gap in the history is to wake them all once.
            var touched = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (_, (value, _)) in _assignments)
            {
                touched.Add(value.Node);
            }
            foreach (var (_, (value, _)) in assignments)
            {
                touched.Add(value.Node);
            }
            _assignments.Clear();
            _workloads.Clear();
            _nodesOfWorkload.Clear();
            foreach (var entry in _nodes.Values)
            {
                entry.Keys.Clear();
            }
            foreach (var (key, value) in workloads)
            {
                _workloads[key] = value;
            }
            foreach (var (key, value) in assignments)
            {
                Add(key, value.Item1, value.Item2);
            }
            _revision = Math.Max(_revision, read.Revision);
            _floor = read.Revision;
            foreach (var node in touched)
            {
                Entry(node).Bump();
            }
        }
        return read.Revision;
    }

    // Applies the changes after revision under both prefixes until the watch ends; compaction re-lists.
    private async Task FollowAsync(long revision, CancellationToken stoppingToken)
    {
        using var follow = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var changes = Channel.CreateUnbounded<Change>(new UnboundedChannelOptions { SingleReader = true });
        Task[] pumps =
        [
            PumpAsync(KeyLayout.AssignmentsPrefix, revision + 1, changes.Writer, follow.Token),
            PumpAsync(KeyLayout.WorkloadsPrefix, revision + 1, changes.Writer, follow.Token),
        ];
        _ = Task.WhenAll(pumps).ContinueWith(t => changes.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        try
        {
            while (await changes.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (changes.Reader.TryRead(out var change))
                {
                    if (change.Event is null)
                    {
                        // History lost: read everything again; the watches go on, events up to the new read are skipped.
                        await ListAsync(stoppingToken).ConfigureAwait(false);
                        Interlocked.Increment(ref _relists);
                        continue;
                    }
                    Apply(change.Event);
                }
            }
        }
        finally
        {
            await follow.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(pumps).ConfigureAwait(false);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested || follow.IsCancellationRequested)
            {
                // The pumps ended with the follow; a store failure already reached the reader through the channel.
            }
        }
    }

    private async Task PumpAsync(string prefix, long fromRevision, ChannelWriter<Change> changes, CancellationToken ct)
    {
        try
        {
            await foreach (var change in ResumingWatch.WatchPrefixAsync(_store, prefix, fromRevision, _ => changes.TryWrite(new Change(null)), ct).ConfigureAwait(false))
            {
                changes.TryWrite(new Change(change));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Apply(WatchEvent change)
    {
        var key = change.Kv.Key;
        lock (_lock)
        {
            _revision = Math.Max(_revision, change.Revision);
            if (change.Revision <= _floor)
            {
                // Already in the last full read.
                return;
            }
            if (KeyLayout.TryParseAssignment(key, out _, out _))
            {
                var previous = _assignments.TryGetValue(key, out var old) ? old.Value : null;
                if (previous is not null)
                {
                    Remove(key, previous);
                    Entry(previous.Node).Bump();
                }
                if (change.Type == WatchEventType.Put)
                {
                    var value = StateSerializer.Read<Assignment>(change.Kv);
                    Add(key, value, change.Kv.ModRevision);
                    Entry(value.Node).Bump();
                }
            }
            else if (KeyLayout.TryParseWorkload(key, out var workload))
            {
                if (change.Type == WatchEventType.Put)
                {
                    _workloads[workload] = (StateSerializer.Read<WorkloadSpec>(change.Kv), change.Kv.ModRevision);
                }
                else
                {
                    _workloads.Remove(workload);
                }
                if (_nodesOfWorkload.TryGetValue(workload, out var nodes))
                {
                    foreach (var node in nodes.Keys)
                    {
                        Entry(node).Bump();
                    }
                }
            }
        }
    }

    // Under the lock.
    private void Add(string key, Assignment value, long modRevision)
    {
        _assignments[key] = (value, modRevision);
        Entry(value.Node).Keys.Add(key);
        if (!_nodesOfWorkload.TryGetValue(value.Workload, out var nodes))
        {
            nodes = new Dictionary<string, int>(StringComparer.Ordinal);
            _nodesOfWorkload[value.Workload] = nodes;
        }
        nodes[value.Node] = nodes.GetValueOrDefault(value.Node) + 1;
    }

    // Under the lock.
    private void Remove(string key, Assignment value)
    {
        _assignments.Remove(key);
        Entry(value.Node).Keys.Remove(key);
        if (_nodesOfWorkload.TryGetValue(value.Workload, out var nodes) && nodes.TryGetValue(value.Node, out var count))
        {
            if (count <= 1)
            {
                nodes.Remove(value.Node);
                if (nodes.Count == 0)
                {
                    _nodesOfWorkload.Remove(value.Workload);
                }
            }
            else
            {
                nodes[value.Node] = count - 1;
            }
        }
    }

    // Under the lock. Entries stay once made: one small object per node that ever had a stream or an assignment.
    private NodeEntry Entry(string node)
    {
        if (!_nodes.TryGetValue(node, out var entry))
        {
            entry = new NodeEntry();
            _nodes[node] = entry;
        }
        return entry;
    }

    // A watch event, or (null) the news that history was lost and everything must be read again.
    private sealed record Change(WatchEvent? Event);

    private sealed class NodeEntry
    {
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public long Version { get; private set; }

        // Made only when a stream waits, so bumping a node nobody watches allocates nothing.
        private TaskCompletionSource? _changed;

        // Completes when the version next moves.
        public Task Waiter() => (_changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        // The set may have changed: move the version and wake whoever waits.
        public void Bump()
        {
            Version++;
            _changed?.TrySetResult();
            _changed = null;
        }
    }
}
