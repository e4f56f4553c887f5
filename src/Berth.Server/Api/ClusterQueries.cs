using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Api;

/// <summary>The API's reads: stored records straight from the store, each with the mod revision of its key.</summary>
public sealed class ClusterQueries
{
    /// <summary>How many of a workload's events <see cref="WorkloadAsync"/> returns.</summary>
    public const int WorkloadEventCount = 20;

    private readonly IKeyValueStore _store;
    private readonly EventLog _events;

    /// <summary>Creates the queries.</summary>
    public ClusterQueries(IKeyValueStore store, EventLog events)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        _store = store;
        _events = events;
    }

    /// <summary>Every workload, by key.</summary>
    public async Task<WorkloadView[]> WorkloadsAsync(CancellationToken cancellationToken = default)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.WorkloadsPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        var result = new List<WorkloadView>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            if (KeyLayout.TryParseWorkload(kv.Key, out _))
            {
                result.Add(ToView(kv));
            }
        }
        return [.. result];
    }

    /// <summary>One workload with its assignments and last events; null when it does not exist.</summary>
    public async Task<WorkloadDetail?> WorkloadAsync(WorkloadKey workload, CancellationToken cancellationToken = default)
    {
        var read = await _store.TxnAsync(
            [],
            [TxnOp.Get(KeyLayout.Workload(workload)), TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsOf(workload)))],
            [],
            cancellationToken).ConfigureAwait(false);
        if (read.Responses[0].Kvs.Count == 0)
        {
            return null;
        }
        var assignments = ToAssignments(read.Responses[1].Kvs);
        var subject = workload.ToString();
        var replicaPrefix = subject + "/";
        var all = await _events.ReadAfterAsync(0, cancellationToken: cancellationToken).ConfigureAwait(false);
        var events = new List<ClusterEvent>();
        foreach (var e in all)
        {
            if (e.Subject == subject || e.Subject.StartsWith(replicaPrefix, StringComparison.Ordinal))
            {
                events.Add(e);
            }
        }
        var last = events.Count > WorkloadEventCount ? events.GetRange(events.Count - WorkloadEventCount, WorkloadEventCount) : events;
        return new WorkloadDetail(ToView(read.Responses[0].Kvs[0]), assignments, last);
    }

    /// <summary>Every assignment, by key.</summary>
    public async Task<AssignmentView[]> AssignmentsAsync(CancellationToken cancellationToken = default)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        return ToAssignments(range.Kvs);
    }

    /// <summary>Every node with its last heartbeat, by name.</summary>
    public async Task<NodeView[]> NodesAsync(CancellationToken cancellationToken = default)
    {
        var read = await _store.TxnAsync(
            [],
            [TxnOp.Get(KeyRange.Prefix(KeyLayout.NodesPrefix)), TxnOp.Get(KeyRange.Prefix(KeyLayout.HeartbeatsPrefix))],
            [],
            cancellationToken).ConfigureAwait(false);
        var beats = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var kv in read.Responses[1].Kvs)
        {
            if (KeyLayout.TryParseHeartbeat(kv.Key, out var name))
            {
                beats[name] = StateSerializer.Read<NodeHeartbeat>(kv).Time;
            }
        }
        var result = new List<NodeView>(read.Responses[0].Kvs.Count);
        foreach (var kv in read.Responses[0].Kvs)
        {
            if (KeyLayout.TryParseNode(kv.Key, out var name))
            {
                var record = StateSerializer.Read<NodeRecord>(kv);
                result.Add(new NodeView(name, kv.ModRevision, record.Spec, record.Status, beats.TryGetValue(name, out var beat) ? beat : null));
            }
        }
        return [.. result];
    }

    /// <summary>Events committed after <paramref name="after"/>, at most <paramref name="limit"/>, with the <c>after</c> that reads on.</summary>
    public async Task<EventsResponse> EventsAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        var events = await _events.ReadAfterAsync(after, limit, cancellationToken).ConfigureAwait(false);
        return new EventsResponse(events, events.Count > 0 ? events[^1].Revision : after);
    }

    private static AssignmentView[] ToAssignments(IReadOnlyList<KeyValue> kvs)
    {
        var result = new List<(int Replica, AssignmentView View)>(kvs.Count);
        foreach (var kv in kvs)
        {
            if (KeyLayout.TryParseAssignment(kv.Key, out _, out var replica))
            {
                result.Add((replica, new AssignmentView(kv.Key, kv.ModRevision, StateSerializer.Read<Assignment>(kv))));
            }
        }
        // Keys sort as text ("10" before "2"); show replicas in number order within a workload.
        result.Sort((a, b) =>
        {
            int byWorkload = string.CompareOrdinal(a.View.Assignment.Workload.ToString(), b.View.Assignment.Workload.ToString());
            return byWorkload != 0 ? byWorkload : a.Replica.CompareTo(b.Replica);
        });
        return [.. result.Select(r => r.View)];
    }

    private static WorkloadView ToView(KeyValue kv)
    {
        var spec = StateSerializer.Read<Berth.Core.Specs.WorkloadSpec>(kv);
        return new WorkloadView(spec.Namespace, spec.Name, kv.ModRevision, spec);
    }

    /// <summary>Every registered server with its role, and the leader and its term.</summary>
    public Task<ServersResponse> ServersAsync(CancellationToken cancellationToken = default) =>
        Leadership.ServerRegistry.ListAsync(_store, cancellationToken);
}
