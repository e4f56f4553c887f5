using System.Collections.Concurrent;
using Berth.Core.Specs;
using Berth.Store;

namespace Berth.Server.State;

/// <summary>
/// The workload spec an assignment was planned for: <see cref="Assignment.WorkloadRevision"/> names a revision of the
/// workload key, and the store keeps the key's history, so the spec is read back at that revision. This is what a
/// replica of an older revision runs until the rolling replacement reaches it.
/// </summary>
/// <remarks>
/// A key's value at a revision never changes, so answers are cached (bounded: the cache is dropped when it grows past
/// <see cref="MaxCached"/> entries). When the history was compacted the answer is null and callers use the current spec.
/// </remarks>
public sealed class WorkloadHistory
{
    /// <summary>How many (workload, revision) answers are cached before the cache is dropped.</summary>
    public const int MaxCached = 1024;

    private readonly IKeyValueStore _store;
    private readonly ConcurrentDictionary<(WorkloadKey, long), WorkloadSpec?> _cache = new();

    /// <summary>Creates a reader over <paramref name="store"/>.</summary>
    public WorkloadHistory(IKeyValueStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The spec <paramref name="workload"/> had at <paramref name="revision"/>, or null when it did not exist then or the history is compacted.</summary>
    /// <exception cref="ArgumentException">The workload is invalid.</exception>
    public async Task<WorkloadSpec?> AtAsync(WorkloadKey workload, long revision, CancellationToken cancellationToken = default)
    {
        var key = KeyLayout.Workload(workload);
        if (revision <= 0)
        {
            return null;
        }
        if (_cache.TryGetValue((workload, revision), out var cached))
        {
            return cached;
        }
        WorkloadSpec? spec;
        try
        {
            var range = await _store.RangeAsync(KeyRange.Key(key), revision: revision, cancellationToken: cancellationToken).ConfigureAwait(false);
            spec = range.Kvs.Count == 0 ? null : StateSerializer.Read<WorkloadSpec>(range.Kvs[0]);
        }
        catch (Exception e) when (e is RevisionCompactedException or FutureRevisionException)
        {
            // Compacted: unknown, and not cached (a later read would be compacted as well). Future: not written yet.
            return null;
        }
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }
        _cache[(workload, revision)] = spec;
        return spec;
    }

    /// <summary>
    /// True when two specs run the same processes the same way: everything but the replica count, the replica range and
    /// the desired state, which scale, stop and start change without replacing running replicas.
    /// </summary>
    public static bool SameTemplate(WorkloadSpec a, WorkloadSpec b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Template(a).AsSpan().SequenceEqual(Template(b));
    }

    private static byte[] Template(WorkloadSpec spec) =>
        StateSerializer.Serialize(spec with { Replicas = 0, ReplicaRange = null, DesiredState = DesiredState.Running });
}
