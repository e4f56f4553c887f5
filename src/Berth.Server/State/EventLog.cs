using System.Runtime.CompilerServices;
using Berth.Store;

namespace Berth.Server.State;

/// <summary>
/// The immutable event log under <c>/events/</c>: appended inside the transaction of the change it records, read by
/// revision, followed live. The store's revision orders events; keys (time, writer, counter) only make them unique.
/// </summary>
public sealed class EventLog
{
    private readonly IKeyValueStore _store;
    private readonly TimeProvider _time;
    private readonly string _writer;
    private long _sequence;

    /// <summary>Creates a log over <paramref name="store"/>.</summary>
    /// <param name="writer">This writer's id in event keys (1 to 16 lower-case letters or digits); null picks a random one, so two processes never build the same key.</param>
    public EventLog(IKeyValueStore store, TimeProvider? time = null, string? writer = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
        _writer = writer ?? Guid.NewGuid().ToString("N")[..12];
        // Validates the writer id up front rather than on the first append.
        _ = KeyLayout.Event(DateTimeOffset.UnixEpoch, _writer, 0);
    }

    /// <summary>The clock events are stamped with.</summary>
    public TimeProvider Time => _time;

    /// <summary>
    /// Adds the append of <paramref name="clusterEvent"/> to a transaction the caller is building: a put under a new
    /// key, guarded by a compare that the key is missing, so an event is never overwritten and commits exactly when the
    /// caller's change does.
    /// </summary>
    /// <returns>The event's key.</returns>
    public string Append(ICollection<Compare> compares, ICollection<TxnOp> operations, ClusterEvent clusterEvent)
    {
        ArgumentNullException.ThrowIfNull(compares);
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(clusterEvent);
        var key = KeyLayout.Event(clusterEvent.Time, _writer, Interlocked.Increment(ref _sequence));
        compares.Add(Compare.Missing(key));
        // The revision is known only once the transaction commits; readers take it from the key's mod revision.
        operations.Add(TxnOp.Put(key, StateSerializer.Serialize(clusterEvent with { Revision = 0 })));
        return key;
    }

    /// <summary>Builds an event stamped with this log's clock.</summary>
    public ClusterEvent Create(ClusterEventType type, string subject, string message) => new(type, subject, message, _time.GetUtcNow());

    /// <summary>Appends one event on its own; returns it with the revision that committed it.</summary>
    public async Task<ClusterEvent> AppendAsync(ClusterEvent clusterEvent, CancellationToken cancellationToken = default)
    {
        var compares = new List<Compare>(1);
        var operations = new List<TxnOp>(1);
        Append(compares, operations, clusterEvent);
        var result = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // Only a key collision can fail the compare, and keys carry this writer's id and counter.
            throw new InvalidOperationException($"event key {((PutOp)operations[0]).Key} already exists; is another log writing as '{_writer}'?");
        }
        return clusterEvent with { Revision = result.Revision };
    }

    /// <summary>The events committed after <paramref name="afterRevision"/>, in revision order, at most <paramref name="limit"/> (0: all).</summary>
    public async Task<IReadOnlyList<ClusterEvent>> ReadAfterAsync(long afterRevision, int limit = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterRevision);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.EventsPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        var events = new List<(long Revision, string Key, ClusterEvent Event)>();
        foreach (var kv in range.Kvs)
        {
            if (kv.ModRevision > afterRevision)
            {
                events.Add((kv.ModRevision, kv.Key, Read(kv)));
            }
        }
        // Keys sort by writer clock, which need not agree with commit order; the revision is the order of record.
        events.Sort((a, b) => a.Revision != b.Revision ? a.Revision.CompareTo(b.Revision) : string.CompareOrdinal(a.Key, b.Key));
        int count = limit == 0 ? events.Count : Math.Min(limit, events.Count);
        var result = new ClusterEvent[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = events[i].Event;
        }
        return result;
    }

    /// <summary>
    /// Streams every event committed after <paramref name="afterRevision"/>: first the recorded ones, then live ones as
    /// they commit, in revision order with no gap and no duplicate, until cancelled.
    /// </summary>
    /// <exception cref="RevisionCompactedException">History after <paramref name="afterRevision"/> was compacted; read the current events and follow from there.</exception>
    public async IAsyncEnumerable<ClusterEvent> FollowAsync(long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterRevision);
        await foreach (var change in _store.WatchPrefixAsync(KeyLayout.EventsPrefix, afterRevision + 1, cancellationToken).ConfigureAwait(false))
        {
            // Events are never changed; a delete is retention trimming the log, which followers do not see as an event.
            if (change.Type == WatchEventType.Put)
            {
                yield return Read(change.Kv);
            }
        }
    }

    private static ClusterEvent Read(KeyValue kv) =>
        StateSerializer.Deserialize<ClusterEvent>(kv.Value.Span) with { Revision = kv.ModRevision };
}
