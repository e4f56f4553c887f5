using System.Threading.Channels;
using Berth.Core.Specs;
using Berth.Scheduling.Snapshot;
using Berth.Store;

namespace Berth.Server.State;

/// <summary>
/// The control loop's read model of the cluster: nodes, node loss, workloads, assignments and allocation guards, loaded
/// once and then kept current by store watches (Kubernetes' informer cache, Nomad's in-memory state store), so a
/// scheduling pass reads memory instead of the whole store. Also the source of the scheduler snapshots: it keeps the
/// one the applier checks plans against and feeds <see cref="SnapshotMirror"/>s, one per planner, by replaying deltas.
/// </summary>
/// <remarks>
/// <para><b>Order of news.</b> A change is applied only when it is newer than what the cache knows of its key, so the
/// applier's own commits (written through with <see cref="RecordCommitted"/>) and the watch's report of them land once,
/// in either order; changes at or below the revision of the last full load are history already in it.</para>
/// <para><b>Generations.</b> Snapshots fix their node set, so a node change (or a spec change of a workload with replicas
/// placed, whose compiled form changes) starts a new generation: mirrors rebuild from the cache on their next sync
/// instead of replaying. Placements only ever replay.</para>
/// <para>Thread-safe: one lock guards the state; callbacks run outside it.</para>
/// </remarks>
public sealed class ClusterCache
{
    private const int DeltaLogTrimThreshold = 16_384;

    private readonly IKeyValueStore _store;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Stored<NodeRecord>> _nodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _lost = new(StringComparer.Ordinal);
    private readonly Dictionary<WorkloadKey, Stored<WorkloadSpec>> _workloads = [];
    private readonly Dictionary<WorkloadKey, SortedDictionary<int, Stored<Assignment>>> _assignments = [];
    private readonly Dictionary<string, long> _allocationGuards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unschedulable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Stored<StoredObject>> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKind, Array> _specsByKind = [];
    private (IReadOnlySet<string> Ready, IReadOnlySet<string> Lost)? _health;
    private readonly List<CacheDelta> _deltas = [];
    private readonly List<WeakReference<SnapshotMirror>> _mirrors = [];
    private readonly SnapshotMirror _master = new();
    private long _deltaBase;
    private long _floor;
    private long _revision;
    private long _generation;
    private int _assignmentCount;
    private int _following;
    private bool _loaded;

    /// <summary>Creates an empty cache over <paramref name="store"/>; call <see cref="LoadAsync"/> before reading it.</summary>
    public ClusterCache(IKeyValueStore store)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <summary>True while <see cref="FollowAsync"/> keeps the cache current; otherwise it is as of the last load.</summary>
    public bool IsFollowing => Volatile.Read(ref _following) > 0;

    /// <summary>The highest store revision the cache has applied.</summary>
    public long Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    /// <summary>Replaces everything with the store's current nodes, node loss, workloads, assignments and guards, read at one revision.</summary>
    /// <returns>The revision read at; follow from the next one.</returns>
    public async Task<long> LoadAsync(CancellationToken cancellationToken = default)
    {
        var read = await _store.TxnAsync(
            [],
            [
                TxnOp.Get(KeyRange.Prefix(KeyLayout.NodesPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.HeartbeatsPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.AllocationsPrefix)),
                TxnOp.Get(KeyLayout.BookkeepingRanges[0]),
                TxnOp.Get(KeyLayout.BookkeepingRanges[1]),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.ObjectsPrefix)),
            ],
            [],
            cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _unschedulable.Clear();
            _objects.Clear();
            _specsByKind.Clear();
            _health = null;
            _nodes.Clear();
            _lost.Clear();
            _workloads.Clear();
            _assignments.Clear();
            _allocationGuards.Clear();
            _seen.Clear();
            _assignmentCount = 0;
            _floor = read.Revision;
            _revision = read.Revision;
            foreach (var response in read.Responses)
            {
                foreach (var kv in response.Kvs)
                {
                    Apply(kv.Key, kv.ModRevision, kv, deleted: false, notify: null);
                }
            }
            NewGeneration();
            _loaded = true;
            return read.Revision;
        }
    }

    /// <summary>
    /// Keeps the cache current from the revision after the last load until cancelled, reporting what changed: a workload
    /// or one of its assignments (<paramref name="workloadChanged"/>), or a node, or history lost to compaction, after
    /// which the cache re-loads (<paramref name="everythingChanged"/>: look at every workload). Changes the cache already
    /// had (its own commits) are not reported. Any other end of a watch ends this by throwing; load and follow again.
    /// </summary>
    public async Task FollowAsync(Action<WorkloadKey> workloadChanged, Action everythingChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workloadChanged);
        ArgumentNullException.ThrowIfNull(everythingChanged);
        long from;
        lock (_gate)
        {
            if (!_loaded)
            {
                throw new InvalidOperationException(StateMessages.CacheNotLoaded);
            }
            from = _floor + 1;
        }
        Interlocked.Increment(ref _following);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            string[] prefixes = [KeyLayout.NodesPrefix, KeyLayout.HeartbeatsPrefix, KeyLayout.WorkloadsPrefix, KeyLayout.AssignmentsPrefix, KeyLayout.AllocationsPrefix, KeyLayout.ReconciliationPrefix, KeyLayout.ObjectsPrefix];
            // A watch that lost history to compaction asks for a re-load; one task does them, so they never overlap.
            var reloads = Channel.CreateUnbounded<bool>();
            var watches = new Task[prefixes.Length + 1];
            for (int i = 0; i < prefixes.Length; i++)
            {
                watches[i] = PumpAsync(prefixes[i], from, reloads.Writer, workloadChanged, everythingChanged, stop.Token);
            }
            watches[^1] = ReloadAsync(reloads.Reader, everythingChanged, stop.Token);
            var first = await Task.WhenAny(watches).ConfigureAwait(false);
            // One watch ending ends all: the caller loads and follows again from one revision.
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(watches.Select(w => w.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default))).ConfigureAwait(false);
            await first.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _following);
        }
    }

    /// <summary>The workload as the cache knows it, or null.</summary>
    public Stored<WorkloadSpec>? Workload(WorkloadKey workload)
    {
        lock (_gate)
        {
            return _workloads.TryGetValue(workload, out var stored) ? stored : null;
        }
    }

    /// <summary>The clock reservations start and expire by (the server's <see cref="TimeProvider"/>).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    // The reservations active now, in key order, so that the same set reads the same to every mirror.
    // Allocates nothing while there are none: every planner syncs before every workload it plans.
    private IReadOnlyList<ReservationSpec> ActiveReservationsLocked()
    {
        if (_objects.Count == 0)
        {
            return [];
        }
        var now = Clock.GetUtcNow();
        List<ReservationSpec>? active = null;
        foreach (var stored in _objects.Values)
        {
            if (stored.Value.Spec is ReservationSpec reservation && reservation.IsActiveAt(now))
            {
                (active ??= []).Add(reservation);
            }
        }
        if (active is null)
        {
            return [];
        }
        active.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return active;
    }

    /// <summary>Every object of <paramref name="kind"/> the cache knows (priority classes, quotas ...), in no particular order.</summary>
    public IReadOnlyList<Stored<StoredObject>> Objects(ObjectKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        lock (_gate)
        {
            var result = new List<Stored<StoredObject>>();
            foreach (var stored in _objects.Values)
            {
                if (stored.Value.Kind == kind)
                {
                    result.Add(stored);
                }
            }
            return result;
        }
    }

    /// <summary>
    /// The specs of every object of <paramref name="kind"/> (a <typeparamref name="TSpec"/> each), in the order of
    /// <see cref="Objects"/>. The list is kept until an object of the kind changes, so a caller that asks on every pass
    /// (the placer's quotas) neither scans nor allocates; do not change it.
    /// </summary>
    public IReadOnlyList<TSpec> Specs<TSpec>(ObjectKind kind)
        where TSpec : class
    {
        ArgumentNullException.ThrowIfNull(kind);
        lock (_gate)
        {
            if (_specsByKind.TryGetValue(kind, out var cached))
            {
                return (TSpec[])cached;
            }
            var specs = new List<TSpec>();
            foreach (var stored in _objects.Values)
            {
                if (stored.Value.Kind == kind)
                {
                    specs.Add(stored.Value.SpecAs<TSpec>());
                }
            }
            var array = specs.ToArray();
            _specsByKind[kind] = array;
            return array;
        }
    }

    /// <summary>Every workload the cache knows, and every workload that has assignments but no spec any more (deleted).</summary>
    public (IReadOnlyList<Stored<WorkloadSpec>> Living, IReadOnlyList<WorkloadKey> Gone) Workloads()
    {
        lock (_gate)
        {
            var gone = new List<WorkloadKey>();
            foreach (var (key, assignments) in _assignments)
            {
                if (assignments.Count > 0 && !_workloads.ContainsKey(key))
                {
                    gone.Add(key);
                }
            }
            return ([.. _workloads.Values], gone);
        }
    }

    /// <summary>The workload read from the store as <paramref name="kv"/>: the cache's record when it holds the same mod revision, else the bytes read.</summary>
    public Stored<WorkloadSpec>? WorkloadOf(WorkloadKey workload, KeyValue? kv)
    {
        if (kv is null)
        {
            return null;
        }
        lock (_gate)
        {
            if (_workloads.TryGetValue(workload, out var cached) && cached.ModRevision == kv.ModRevision && cached.Key == kv.Key)
            {
                return cached;
            }
        }
        return ClusterStateReader.Workload(kv);
    }

    /// <summary>
    /// The assignments of <paramref name="workload"/> among <paramref name="kvs"/> (read from the store), as
    /// <see cref="ClusterStateReader.AssignmentsOf"/> reads them; a key the cache holds at the same mod revision is
    /// the cache's record rather than the bytes read again.
    /// </summary>
    public SortedDictionary<int, Stored<Assignment>> AssignmentsOf(WorkloadKey workload, IReadOnlyList<KeyValue> kvs)
    {
        ArgumentNullException.ThrowIfNull(kvs);
        // Reads of a workload's own keys happen twice per reconcile; deserializing every assignment each time was a
        // fifth of the control loop's allocation at scale, and the cache already holds the same revisions.
        var prefix = KeyLayout.AssignmentsOf(workload);
        var assignments = new SortedDictionary<int, Stored<Assignment>>();
        lock (_gate)
        {
            _assignments.TryGetValue(workload, out var mine);
            foreach (var kv in kvs)
            {
                if (mine is not null && CanonicalReplica(kv.Key, prefix) is int replica
                    && mine.TryGetValue(replica, out var cached) && cached.ModRevision == kv.ModRevision && cached.Key == kv.Key)
                {
                    assignments[replica] = cached;
                }
                else if (KeyLayout.TryParseAssignment(kv.Key, out var key, out replica) && key == workload)
                {
                    assignments[replica] = new Stored<Assignment>(kv.Key, StateSerializer.Read<Assignment>(kv), kv.ModRevision);
                }
            }
        }
        return assignments;
    }

    // The replica of "{prefix}{replica}" when replica is written as KeyLayout writes it (decimal, no padding), else null.
    private static int? CanonicalReplica(string key, string prefix)
    {
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var digits = key.AsSpan(prefix.Length);
        if (digits.Length is 0 or > 9 || (digits[0] == '0' && digits.Length > 1))
        {
            return null;
        }
        int replica = 0;
        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return null;
            }
            replica = (replica * 10) + (c - '0');
        }
        return replica;
    }

    /// <summary>Ready nodes (status Ready, not lost) and lost nodes, as the cache knows them. The sets are shared until a node or heartbeat changes; do not change them.</summary>
    public (IReadOnlySet<string> Ready, IReadOnlySet<string> Lost) NodeHealth()
    {
        lock (_gate)
        {
            // Every reconcile asks; building two sets of every node each time was the control loop's largest allocation at 5,000 nodes.
            if (_health is { } health)
            {
                return health;
            }
            var ready = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, node) in _nodes)
            {
                if (node.Value.Status.Ready)
                {
                    ready.Add(name);
                }
            }
            _health = (ready, new HashSet<string>(_lost, StringComparer.Ordinal));
            return _health.Value;
        }
    }

    /// <summary>Nodes and assignments as the cache knows them, counted.</summary>
    public (int ReadyNodes, int NotReadyNodes, int Workloads, int Assignments) Counts()
    {
        lock (_gate)
        {
            int ready = 0;
            foreach (var node in _nodes.Values)
            {
                if (node.Value.Status.Ready)
                {
                    ready++;
                }
            }
            return (ready, _nodes.Count - ready, _workloads.Count, _assignmentCount);
        }
    }

    /// <summary>
    /// Hands the cached nodes, workloads and assignments, and the number of unschedulable summaries, to
    /// <paramref name="inspect"/> with the lock held (counting them for the metrics, without a store read).
    /// </summary>
    internal void Inspect(Action<IEnumerable<NodeRecord>, IEnumerable<WorkloadSpec>, IEnumerable<Assignment>, int> inspect)
    {
        ArgumentNullException.ThrowIfNull(inspect);
        lock (_gate)
        {
            inspect(
                _nodes.Values.Select(n => n.Value),
                _workloads.Values.Select(w => w.Value),
                _assignments.Values.SelectMany(a => a.Values).Select(a => a.Value),
                _unschedulable.Count);
        }
    }

    /// <summary>Creates a mirror that this cache keeps in step on <see cref="Sync"/>.</summary>
    internal SnapshotMirror CreateMirror()
    {
        var mirror = new SnapshotMirror();
        lock (_gate)
        {
            _mirrors.Add(new WeakReference<SnapshotMirror>(mirror));
        }
        return mirror;
    }

    /// <summary>Brings <paramref name="mirror"/> to the cache's latest state: replays new deltas, or rebuilds on a new generation.</summary>
    internal void Sync(SnapshotMirror mirror)
    {
        ArgumentNullException.ThrowIfNull(mirror);
        lock (_gate)
        {
            SyncLocked(mirror);
            mirror.HoldReservations(ActiveReservationsLocked());
        }
    }

    /// <summary>
    /// Runs <paramref name="check"/> with the lock held on the applier's snapshot, brought up to date first: the place
    /// where plans are checked against the latest state and their placements taken before they commit.
    /// </summary>
    internal T WithMaster<T>(Func<SnapshotMirror, T> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        lock (_gate)
        {
            SyncLocked(_master);
            _master.HoldReservations(ActiveReservationsLocked());
            return check(_master);
        }
    }

    /// <summary>The mod revision of the node's allocation guard as the cache knows it (0: none).</summary>
    internal long AllocationGuard(string node)
    {
        lock (_gate)
        {
            return _allocationGuards.GetValueOrDefault(node);
        }
    }

    /// <summary>An assignment as the cache knows it, or null.</summary>
    internal Stored<Assignment>? Assignment(WorkloadKey workload, int replica)
    {
        lock (_gate)
        {
            return _assignments.TryGetValue(workload, out var mine) && mine.TryGetValue(replica, out var stored) ? stored : null;
        }
    }

    /// <summary>
    /// Writes a commit through: the assignments put and the guards rewritten at <paramref name="revision"/>, with the
    /// workload spec they were planned from, as the watch would report them (which then reports nothing new).
    /// </summary>
    internal void RecordCommitted(long revision, Stored<WorkloadSpec>? spec, IReadOnlyList<Stored<Assignment>> assignments, IReadOnlyList<string> guardedNodes)
    {
        lock (_gate)
        {
            if (spec is { } known && KeyLayout.TryParseWorkload(known.Key, out var workload))
            {
                ApplyWorkload(known.Key, workload, revision: known.ModRevision, known, notify: null);
            }
            foreach (var stored in assignments)
            {
                if (KeyLayout.TryParseAssignment(stored.Key, out var owner, out int replica) && Newer(stored.Key, revision))
                {
                    ApplyAssignment(stored.Key, owner, replica, stored with { ModRevision = revision }, notify: null);
                }
            }
            foreach (var node in guardedNodes)
            {
                var key = KeyLayout.Allocation(node);
                if (Newer(key, revision))
                {
                    _allocationGuards[node] = revision;
                }
            }
            _revision = Math.Max(_revision, revision);
        }
    }

    private async Task PumpAsync(
        string prefix,
        long from,
        ChannelWriter<bool> reload,
        Action<WorkloadKey> workloadChanged,
        Action everythingChanged,
        CancellationToken cancellationToken)
    {
        var changed = new List<WorkloadKey>();
        bool everything = false;
        await foreach (var change in ResumingWatch.WatchPrefixAsync(_store, prefix, from, _ => reload.TryWrite(true), cancellationToken).ConfigureAwait(false))
        {
            lock (_gate)
            {
                Apply(change.Kv.Key, change.Kv.ModRevision, change.Kv, change.Type == WatchEventType.Delete, key =>
                {
                    if (key is { } workload)
                    {
                        changed.Add(workload);
                    }
                    else
                    {
                        everything = true;
                    }
                });
                _revision = Math.Max(_revision, change.Kv.ModRevision);
            }
            foreach (var workload in changed)
            {
                workloadChanged(workload);
            }
            changed.Clear();
            if (everything)
            {
                everything = false;
                everythingChanged();
            }
        }
    }

    // The lost history is only visible in the current state: load it (changes older than it that are still on their
    // way are then ignored), and have everything looked at.
    private async Task ReloadAsync(ChannelReader<bool> reloads, Action everythingChanged, CancellationToken cancellationToken)
    {
        while (await reloads.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reloads.TryRead(out _))
            {
            }
            await LoadAsync(cancellationToken).ConfigureAwait(false);
            everythingChanged();
        }
    }

    private bool Newer(string key, long revision)
    {
        if (revision <= _floor || (_seen.TryGetValue(key, out long seen) && seen >= revision))
        {
            return false;
        }
        _seen[key] = revision;
        return true;
    }

    // notify: null while loading; called with the workload that changed, or null for "a node changed".
    private void Apply(string key, long revision, KeyValue kv, bool deleted, Action<WorkloadKey?>? notify)
    {
        if (notify is not null && !Newer(key, revision))
        {
            return;
        }
        if (notify is null)
        {
            _seen[key] = revision;
        }
        if (KeyLayout.TryParseAssignment(key, out var workload, out int replica))
        {
            ApplyAssignment(key, workload, replica, deleted ? null : new Stored<Assignment>(key, StateSerializer.Read<Assignment>(kv), revision), notify);
        }
        else if (KeyLayout.TryParseWorkload(key, out workload))
        {
            ApplyWorkload(key, workload, revision, deleted ? null : new Stored<WorkloadSpec>(key, StateSerializer.Read<WorkloadSpec>(kv), revision), notify);
        }
        else if (KeyLayout.TryParseNode(key, out var node))
        {
            _health = null;
            if (deleted)
            {
                _nodes.Remove(node);
            }
            else
            {
                _nodes[node] = new Stored<NodeRecord>(key, StateSerializer.Read<NodeRecord>(kv), revision);
            }
            if (notify is not null)
            {
                NewGeneration();
                notify(null);
            }
        }
        else if (KeyLayout.TryParseHeartbeat(key, out node))
        {
            _health = null;
            if (!deleted && StateSerializer.Read<NodeHeartbeat>(kv).LostAt is not null)
            {
                _lost.Add(node);
            }
            else
            {
                _lost.Remove(node);
            }
        }
        else if (KeyLayout.TryParseUnschedulable(key, out _, out _))
        {
            if (deleted)
            {
                _unschedulable.Remove(key);
            }
            else
            {
                _unschedulable.Add(key);
            }
        }
        else if (KeyLayout.TryParseObject(key, out var kind, out var ns, out var name))
        {
            _specsByKind.Remove(kind);
            if (deleted)
            {
                _objects.Remove(key);
            }
            else
            {
                _objects[key] = new Stored<StoredObject>(key, new StoredObject(kind, ns, name, ReadObject(kind, kv)), revision);
            }
            // A priority class, quota or reservation can change what any workload may have: look at them all.
            notify?.Invoke(null);
        }
        else if (KeyLayout.TryParseAllocation(key, out node))
        {
            if (deleted)
            {
                _allocationGuards.Remove(node);
            }
            else
            {
                _allocationGuards[node] = revision;
            }
        }
    }

    private static object ReadObject(ObjectKind kind, KeyValue kv)
    {
        try
        {
            return kind.Deserialize(kv.Value.Span);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException(StateMessages.UnreadableRecord(kv.Key, e.Message), e);
        }
    }

    private void ApplyWorkload(string key, WorkloadKey workload, long revision, Stored<WorkloadSpec>? spec, Action<WorkloadKey?>? notify)
    {
        bool known = _workloads.TryGetValue(workload, out var before);
        if (spec is { } now)
        {
            if (known && before.ModRevision >= now.ModRevision)
            {
                return;
            }
            _workloads[workload] = now;
        }
        else
        {
            _workloads.Remove(workload);
        }
        _seen[key] = Math.Max(_seen.GetValueOrDefault(key), revision);
        // Replicas placed under the old spec (or, for a spec seen after its assignments, not placed at all) must be
        // compiled again: that is a rebuild. A workload with nothing placed just compiles anew when planned.
        if (_assignments.TryGetValue(workload, out var placed) && placed.Count > 0 && _loaded)
        {
            NewGeneration();
        }
        notify?.Invoke(workload);
    }

    private void ApplyAssignment(string key, WorkloadKey workload, int replica, Stored<Assignment>? now, Action<WorkloadKey?>? notify)
    {
        if (!_assignments.TryGetValue(workload, out var mine))
        {
            _assignments[workload] = mine = [];
        }
        mine.TryGetValue(replica, out var before);
        bool heldBefore = before.Key is not null && before.Value.HoldsResources;
        if (now is { } stored)
        {
            if (before.Key is null)
            {
                _assignmentCount++;
            }
            mine[replica] = stored;
            var value = stored.Value;
            if (value.HoldsResources)
            {
                if (!heldBefore || before.Value.Node != value.Node || !before.Value.Devices.SequenceEqual(value.Devices))
                {
                    AddDelta(new CacheDelta(key, workload, replica, value.Node, value.Devices, _workloads.TryGetValue(workload, out var spec) ? spec : null));
                }
            }
            else if (heldBefore)
            {
                AddDelta(new CacheDelta(key, workload, replica, null, [], null));
            }
        }
        else
        {
            if (mine.Remove(replica))
            {
                _assignmentCount--;
            }
            if (mine.Count == 0)
            {
                _assignments.Remove(workload);
            }
            if (heldBefore)
            {
                AddDelta(new CacheDelta(key, workload, replica, null, [], null));
            }
        }
        notify?.Invoke(workload);
    }

    private void AddDelta(CacheDelta delta)
    {
        if (!_loaded)
        {
            // While loading, the generation's rebuild places everything.
            return;
        }
        _deltas.Add(delta);
        if (_deltas.Count >= DeltaLogTrimThreshold)
        {
            TrimDeltas();
        }
    }

    // Drops the deltas every live mirror has replayed; a mirror far behind simply rebuilds when it next syncs.
    private void TrimDeltas()
    {
        long oldest = _deltaBase + _deltas.Count;
        _mirrors.RemoveAll(w => !w.TryGetTarget(out _));
        foreach (var reference in _mirrors)
        {
            if (reference.TryGetTarget(out var mirror) && mirror.Generation == _generation)
            {
                oldest = Math.Min(oldest, mirror.Sequence);
            }
        }
        oldest = Math.Min(oldest, _master.Generation == _generation ? _master.Sequence : oldest);
        int drop = (int)Math.Max(0, oldest - _deltaBase);
        if (drop < _deltas.Count / 2)
        {
            // Someone lags: keep at most twice the threshold, then let the laggard rebuild.
            drop = Math.Max(drop, _deltas.Count - DeltaLogTrimThreshold);
        }
        _deltas.RemoveRange(0, drop);
        _deltaBase += drop;
    }

    private void NewGeneration()
    {
        _generation++;
        _deltaBase += _deltas.Count;
        _deltas.Clear();
    }

    private void SyncLocked(SnapshotMirror mirror)
    {
        if (!_loaded)
        {
            throw new InvalidOperationException(StateMessages.CacheNotLoaded);
        }
        if (mirror.Generation == _generation && mirror.Sequence >= _deltaBase)
        {
            long end = _deltaBase + _deltas.Count;
            for (long s = mirror.Sequence; s < end; s++)
            {
                if (!mirror.Apply(_deltas[(int)(s - _deltaBase)]))
                {
                    Rebuild(mirror);
                    return;
                }
            }
            mirror.Sequence = end;
            return;
        }
        Rebuild(mirror);
    }

    // A fresh snapshot of the generation's nodes (in name order, as ClusterStateReader builds it, so plans replay)
    // with every assignment that holds room placed.
    private void Rebuild(SnapshotMirror mirror)
    {
        var names = new List<string>(_nodes.Keys);
        names.Sort(StringComparer.Ordinal);
        var specs = new List<NodeSpec>(names.Count);
        var revisions = new long[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            var node = _nodes[names[i]];
            specs.Add(node.Value.EffectiveSpec);
            revisions[i] = node.ModRevision;
        }
        mirror.Reset(ClusterSnapshot.Create(specs), revisions, _generation, _deltaBase + _deltas.Count);
        foreach (var (workload, assignments) in _assignments)
        {
            if (!_workloads.TryGetValue(workload, out var spec))
            {
                continue;
            }
            foreach (var (replica, stored) in assignments)
            {
                var assignment = stored.Value;
                int node = mirror.Snapshot.IndexOf(assignment.Node);
                if (!assignment.HoldsResources || node < 0 || mirror.Compiled(spec) is not { } info)
                {
                    continue;
                }
                mirror.Place(stored.Key, workload, replica, info, node, assignment.Devices);
            }
        }
    }
}
