using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Reconciliation;

/// <summary>
/// The reconciliation records of every workload under <c>/reconciliation/records/{namespace}/{name}/</c>: appended by the
/// <see cref="Reconciler"/>, one per action, and bounded: the write that adds records deletes, in the same transaction,
/// the oldest ones beyond <see cref="ReconcilerOptions.RecordsPerWorkload"/>.
/// </summary>
/// <remarks>One worker reconciles a workload at a time, so two appends for one workload do not race; if they did, the
/// compare on the last key read makes the later one read again.</remarks>
public sealed class ReconciliationLog
{
    private const int MaxAttempts = 3;

    private readonly IKeyValueStore _store;
    private readonly int _keep;
    private long _sequence;

    /// <summary>Creates the log; <paramref name="keep"/> records are kept per workload.</summary>
    public ReconciliationLog(IKeyValueStore store, int keep)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        _store = store;
        _keep = keep;
    }

    /// <summary>Appends <paramref name="records"/> (all of one workload), deleting the oldest beyond the bound in the same transaction.</summary>
    /// <returns>False when concurrent appends kept winning and nothing was written (records are bookkeeping: the action itself is done).</returns>
    public async Task<bool> AppendAsync(WorkloadKey workload, IReadOnlyList<ReconciliationRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return true;
        }
        var prefix = KeyLayout.ReconciliationRecordsOf(workload);
        // More new records than are kept: only the newest are written.
        int first = Math.Max(0, records.Count - _keep);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await _store.RangeAsync(KeyRange.Prefix(prefix), cancellationToken: cancellationToken).ConfigureAwait(false);
            var compares = new List<Compare>();
            var operations = new List<TxnOp>();
            int drop = existing.Kvs.Count + (records.Count - first) - _keep;
            for (int i = 0; i < existing.Kvs.Count; i++)
            {
                if (i < drop)
                {
                    operations.Add(TxnOp.Delete(existing.Kvs[i].Key));
                }
                compares.Add(Compare.ModRevision(existing.Kvs[i].Key, CompareOp.Equal, existing.Kvs[i].ModRevision));
            }
            for (int i = first; i < records.Count; i++)
            {
                var key = KeyLayout.ReconciliationRecord(workload, records[i].Time, Interlocked.Increment(ref _sequence));
                compares.Add(Compare.Missing(key));
                operations.Add(TxnOp.Put(key, StateSerializer.Serialize(records[i])));
            }
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (commit.Succeeded)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The records kept for <paramref name="workload"/>, oldest first.</summary>
    public async Task<IReadOnlyList<ReconciliationRecord>> ReadAsync(WorkloadKey workload, CancellationToken cancellationToken = default)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.ReconciliationRecordsOf(workload)), cancellationToken: cancellationToken).ConfigureAwait(false);
        var result = new List<ReconciliationRecord>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            result.Add(StateSerializer.Read<ReconciliationRecord>(kv));
        }
        return result;
    }
}
