using System.Globalization;
using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Server.Nodes;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Fleet;

/// <summary>
/// The one owner of the fleet cluster records (<c>/fleet/clusters/{name}</c>): creates clusters in a pool through the
/// pool's provider, grows them, removes nodes, moves them through their phases and deletes them, with an event for each
/// step. The provider is picked by the pool's provider type among the registered <see cref="IClusterProvider"/>s.
/// </summary>
/// <remarks>
/// The record is written before the provider acts (a cluster's node names are in it before its machines start), so a
/// leader that takes over finds what was begun and may repeat it: providers are idempotent by node name. Clusters are
/// named <c>{pool}-{4 hex}</c> and their nodes <c>{cluster}-{n}</c> from 1. Every record write compares the record's
/// revision, so two writers never lose each other's nodes.
/// </remarks>
public sealed class FleetClusters
{
    /// <summary>How often a write re-reads and retries after a concurrent write of the same record.</summary>
    public const int MaxAttempts = 5;

    // Tries at a free {pool}-{4 hex} name: 65,536 names per pool, so a clash twice in a row already means a crowded pool.
    private const int MaxNameAttempts = 16;

    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly NodeManager? _nodes;
    private readonly Dictionary<string, IClusterProvider> _providers;
    private readonly Random _random;
    private readonly Lock _randomLock = new();

    /// <summary>Creates the owner over <paramref name="store"/>.</summary>
    /// <param name="store">Where the records live.</param>
    /// <param name="events">Where each step is recorded.</param>
    /// <param name="providers">The providers this server can create clusters with, one per <see cref="IClusterProvider.Type"/>.</param>
    /// <param name="nodes">Cordons nodes before they are removed, so nothing new is placed on a node being stopped; null skips that.</param>
    /// <param name="random">Draws cluster name suffixes; null uses a shared one (tests pass a seeded one).</param>
    public FleetClusters(IKeyValueStore store, EventLog events, IEnumerable<IClusterProvider> providers, NodeManager? nodes = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(providers);
        _store = store;
        _events = events;
        _nodes = nodes;
        _random = random ?? new Random();
        _providers = new Dictionary<string, IClusterProvider>(StringComparer.Ordinal);
        foreach (var provider in providers)
        {
            _providers[provider.Type] = provider;
        }
    }

    /// <summary>The provider types this server can create clusters with, sorted.</summary>
    public IReadOnlyList<string> ProviderTypes => [.. _providers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The provider of <paramref name="type"/>, or null when this server has none.</summary>
    public IClusterProvider? Provider(string type) => _providers.GetValueOrDefault(type);

    /// <summary>Every fleet cluster, in name order.</summary>
    public async Task<IReadOnlyList<FleetCluster>> ListAsync(CancellationToken cancellationToken = default)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.FleetClustersPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        var clusters = new List<FleetCluster>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            clusters.Add(StateSerializer.Read<FleetCluster>(kv));
        }
        return clusters;
    }

    /// <summary>The cluster named <paramref name="name"/>, or null.</summary>
    public async Task<FleetCluster?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        var kv = await _store.GetAsync(KeyLayout.FleetCluster(name), cancellationToken).ConfigureAwait(false);
        return kv is null ? null : StateSerializer.Read<FleetCluster>(kv);
    }

    /// <summary>
    /// Creates a cluster of <paramref name="nodeCount"/> nodes of <paramref name="nodeClass"/> in <paramref name="pool"/>
    /// through the pool's provider, and returns it Ready (its machines started; their agents may still be registering).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodeCount"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">No provider of the pool's type; nothing was written.</exception>
    /// <remarks>When the provider fails, the nodes it started are stopped and the record removed before the error is rethrown.</remarks>
    public async Task<FleetCluster> CreateAsync(PoolSpec pool, NodeClassSpec nodeClass, int nodeCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(nodeClass);
        if (nodeCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(nodeCount), nodeCount, FleetMessages.NodeCountNotPositive(nameof(nodeCount), nodeCount));
        }
        var provider = ProviderFor(pool);
        var now = _events.Time.GetUtcNow();
        FleetCluster? created = null;
        for (int attempt = 0; attempt < MaxNameAttempts && created is null; attempt++)
        {
            var name = pool.Name + "-" + Suffix();
            var nodes = Enumerable.Range(1, nodeCount).Select(n => NodeName(name, n)).ToArray();
            var cluster = new FleetCluster(name, pool.Name, pool.Region, provider.Type, nodeClass.Name, nodes, FleetClusterPhase.Creating, now);
            var key = KeyLayout.FleetCluster(name);
            var compares = new List<Compare> { Compare.Missing(key) };
            var operations = new List<TxnOp> { TxnOp.Put(key, StateSerializer.Serialize(cluster)) };
            _events.Append(compares, operations, _events.Create(ClusterEventType.FleetClusterCreated, name, FleetMessages.Created(cluster)));
            if ((await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                created = cluster;
            }
        }
        if (created is null)
        {
            throw new InvalidOperationException(FleetMessages.NoFreeName(pool.Name, MaxNameAttempts));
        }
        try
        {
            await provider.CreateClusterAsync(created, pool, cancellationToken).ConfigureAwait(false);
            foreach (var node in created.Nodes)
            {
                await StartNodeAsync(provider, created, pool, nodeClass, node, cancellationToken).ConfigureAwait(false);
            }
            return await SetPhaseAsync(created.Name, FleetClusterPhase.Ready, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            // Not half a cluster: what started is stopped and the record goes, whatever the caller's token says; the
            // provider's error is what the caller hears, even when the undo fails too.
            await UndoAsync(() => DeleteAsync(created.Name, CancellationToken.None), failure).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds <paramref name="count"/> nodes of the cluster's node class to <paramref name="cluster"/> and returns the cluster.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">No such cluster, its pool or node class is gone, or no provider of its type.</exception>
    public async Task<FleetCluster> GrowAsync(string cluster, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, FleetMessages.NodeCountNotPositive(nameof(count), count));
        }
        var current = await FindAsync(cluster, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException(FleetMessages.UnknownCluster(cluster));
        var pool = await ReadSpecAsync<PoolSpec>(ObjectKinds.Pools, current.Pool, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException(FleetMessages.UnknownPool(cluster, current.Pool));
        var nodeClass = await ReadSpecAsync<NodeClassSpec>(ObjectKinds.NodeClasses, current.NodeClass, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException(FleetMessages.UnknownNodeClass(cluster, current.NodeClass));
        var provider = ProviderFor(current.Provider, current.Pool);
        string[] added = [];
        var grown = await UpdateAsync(cluster, record =>
        {
            int next = record.Nodes.Select(NodeIndex).DefaultIfEmpty(0).Max() + 1;
            added = [.. Enumerable.Range(next, count).Select(n => NodeName(cluster, n))];
            return record with { Nodes = [.. record.Nodes, .. added] };
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var node in added)
            {
                await StartNodeAsync(provider, grown, pool, nodeClass, node, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception failure)
        {
            // The nodes of this grow leave the record again (those that started are stopped), so it names only machines that run.
            await UndoAsync(() => RemoveNodesAsync(cluster, added, CancellationToken.None), failure).ConfigureAwait(false);
            throw;
        }
        return grown;
    }

    /// <summary>
    /// Stops <paramref name="nodes"/> of <paramref name="cluster"/> through its provider (cordoned first, so nothing new
    /// lands on them), forgets the node records that hold no replicas, and returns the cluster without them.
    /// </summary>
    /// <exception cref="ArgumentException">A node is not one of the cluster's; nothing was stopped.</exception>
    /// <exception cref="InvalidOperationException">No such cluster, or no provider of its type.</exception>
    public async Task<FleetCluster> RemoveNodesAsync(string cluster, IReadOnlyCollection<string> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(nodes);
        var current = await FindAsync(cluster, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException(FleetMessages.UnknownCluster(cluster));
        var strangers = nodes.Where(n => !current.Nodes.Contains(n, StringComparer.Ordinal)).ToList();
        if (strangers.Count > 0)
        {
            throw new ArgumentException(FleetMessages.NotClusterNodes(cluster, strangers), nameof(nodes));
        }
        var provider = ProviderFor(current.Provider, current.Pool);
        await StopNodesAsync(provider, current, nodes, cancellationToken).ConfigureAwait(false);
        var gone = new HashSet<string>(nodes, StringComparer.Ordinal);
        return await UpdateAsync(cluster, record => record with { Nodes = [.. record.Nodes.Where(n => !gone.Contains(n))] }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves <paramref name="cluster"/> to <paramref name="phase"/> (an event when it changes) and returns it.</summary>
    /// <exception cref="InvalidOperationException">No such cluster.</exception>
    public Task<FleetCluster> SetPhaseAsync(string cluster, FleetClusterPhase phase, CancellationToken cancellationToken = default) =>
        UpdateAsync(cluster, record => record with { Phase = phase }, cancellationToken);

    /// <summary>
    /// Deletes <paramref name="cluster"/>: Deleting, every node stopped, the provider's shared parts released, the record
    /// removed. False when there was no such cluster.
    /// </summary>
    /// <exception cref="InvalidOperationException">No provider of its type.</exception>
    public async Task<bool> DeleteAsync(string cluster, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (await FindAsync(cluster, cancellationToken).ConfigureAwait(false) is not { } current)
        {
            return false;
        }
        var provider = ProviderFor(current.Provider, current.Pool);
        current = await SetPhaseAsync(cluster, FleetClusterPhase.Deleting, cancellationToken).ConfigureAwait(false);
        await StopNodesAsync(provider, current, current.Nodes, cancellationToken).ConfigureAwait(false);
        await provider.DeleteClusterAsync(current, cancellationToken).ConfigureAwait(false);
        var key = KeyLayout.FleetCluster(cluster);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var kv = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (kv is null)
            {
                return true;
            }
            var compares = new List<Compare> { Compare.ModRevision(key, CompareOp.Equal, kv.ModRevision) };
            var operations = new List<TxnOp> { TxnOp.Delete(key) };
            _events.Append(compares, operations, _events.Create(ClusterEventType.FleetClusterDeleted, cluster, FleetMessages.Deleted(current)));
            if ((await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                return true;
            }
        }
        throw new InvalidOperationException(FleetMessages.TooManyConflicts(cluster, MaxAttempts));
    }

    /// <summary>The node name of the <paramref name="index"/>th node (from 1) of <paramref name="cluster"/>.</summary>
    public static string NodeName(string cluster, int index) => cluster + "-" + index.ToString(CultureInfo.InvariantCulture);

    private static int NodeIndex(string node)
    {
        int dash = node.LastIndexOf('-');
        return dash >= 0 && int.TryParse(node.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : 0;
    }

    private static async Task UndoAsync(Func<Task> undo, Exception failure)
    {
        try
        {
            await undo().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The first failure is the one to report; the undo's own is attached to it for whoever logs it.
            failure.Data["undo"] = e.Message;
        }
    }

    private string Suffix()
    {
        lock (_randomLock)
        {
            return _random.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);
        }
    }

    private IClusterProvider ProviderFor(PoolSpec pool) => ProviderFor(pool.Provider.Type, pool.Name);

    private IClusterProvider ProviderFor(string type, string pool) =>
        _providers.TryGetValue(type, out var provider)
            ? provider
            : throw new InvalidOperationException(FleetMessages.UnknownProvider(pool, type, ProviderTypes));

    private async Task StartNodeAsync(IClusterProvider provider, FleetCluster cluster, PoolSpec pool, NodeClassSpec nodeClass, string node, CancellationToken ct)
    {
        await provider.AddNodeAsync(cluster, pool, nodeClass, node, ct).ConfigureAwait(false);
        await _events.AppendAsync(_events.Create(ClusterEventType.FleetNodeAdded, cluster.Name, FleetMessages.NodeAdded(cluster.Name, node, provider.Type)), ct).ConfigureAwait(false);
    }

    private async Task StopNodesAsync(IClusterProvider provider, FleetCluster cluster, IEnumerable<string> nodes, CancellationToken ct)
    {
        var stopped = new List<string>();
        foreach (var node in nodes)
        {
            if (_nodes is not null)
            {
                await _nodes.CordonAsync(node, ct).ConfigureAwait(false);
            }
            await provider.RemoveNodeAsync(cluster, node, ct).ConfigureAwait(false);
            await _events.AppendAsync(_events.Create(ClusterEventType.FleetNodeRemoved, cluster.Name, FleetMessages.NodeRemoved(cluster.Name, node, provider.Type)), ct).ConfigureAwait(false);
            stopped.Add(node);
        }
        await ForgetIdleNodesAsync(stopped, ct).ConfigureAwait(false);
    }

    // A stopped node that holds no replica leaves `berth get nodes`; one that still holds some stays, turns NotReady and
    // then lost, and the node manager places its replicas elsewhere as for any machine that died.
    private async Task ForgetIdleNodesAsync(IReadOnlyCollection<string> nodes, CancellationToken ct)
    {
        if (nodes.Count == 0)
        {
            return;
        }
        var assignments = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsPrefix), cancellationToken: ct).ConfigureAwait(false);
        var busy = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kv in assignments.Kvs)
        {
            if (KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            {
                busy.Add(StateSerializer.Read<Assignment>(kv).Node);
            }
        }
        foreach (var node in nodes)
        {
            if (busy.Contains(node))
            {
                continue;
            }
            var nodeKey = KeyLayout.Node(node);
            if (await _store.GetAsync(nodeKey, ct).ConfigureAwait(false) is not { } kv)
            {
                continue;
            }
            // Compared on the node's revision: a node that changed since (registered again) is left alone.
            await _store.TxnAsync(
                [Compare.ModRevision(nodeKey, CompareOp.Equal, kv.ModRevision)],
                [TxnOp.Delete(nodeKey), TxnOp.Delete(KeyLayout.Heartbeat(node))],
                [],
                ct).ConfigureAwait(false);
        }
    }

    private async Task<FleetCluster> UpdateAsync(string cluster, Func<FleetCluster, FleetCluster> change, CancellationToken ct)
    {
        var key = KeyLayout.FleetCluster(cluster);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var kv = await _store.GetAsync(key, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException(FleetMessages.UnknownCluster(cluster));
            var before = StateSerializer.Read<FleetCluster>(kv);
            var after = change(before);
            if (after == before || (after.Phase == before.Phase && after.Nodes.SequenceEqual(before.Nodes, StringComparer.Ordinal)))
            {
                return before;
            }
            var compares = new List<Compare> { Compare.ModRevision(key, CompareOp.Equal, kv.ModRevision) };
            var operations = new List<TxnOp> { TxnOp.Put(key, StateSerializer.Serialize(after)) };
            if (after.Phase != before.Phase)
            {
                _events.Append(compares, operations, _events.Create(ClusterEventType.FleetClusterPhaseChanged, cluster, FleetMessages.PhaseChanged(cluster, before.Phase, after.Phase)));
            }
            if ((await _store.TxnAsync(compares, operations, [], ct).ConfigureAwait(false)).Succeeded)
            {
                return after;
            }
        }
        throw new InvalidOperationException(FleetMessages.TooManyConflicts(cluster, MaxAttempts));
    }

    private async Task<T?> ReadSpecAsync<T>(ObjectKind kind, string name, CancellationToken ct)
        where T : class
    {
        var kv = await _store.GetAsync(KeyLayout.Object(kind, "", name), ct).ConfigureAwait(false);
        return kv is null ? null : StateSerializer.Read<T>(kv);
    }
}
