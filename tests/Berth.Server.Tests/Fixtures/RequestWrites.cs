using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Tests.Fixtures;

/// <summary>
/// "Nothing was written" for API tests against a running server, whose control loop keeps writing its own bookkeeping
/// (reconciliation records and unschedulable summaries under <see cref="KeyLayout.ReconciliationPrefix"/>) at any time, and
/// every mutating request appends an audit entry, allowed or refused.
/// </summary>
public static class RequestWrites
{
    /// <summary>The highest mod revision of any key outside the control loop's bookkeeping: moves when a request writes desired state, nodes, assignments or events.</summary>
    public static async Task<long> RevisionAsync(IKeyValueStore store)
    {
        var all = await store.RangeAsync(KeyRange.Prefix("/"));
        long highest = 0;
        foreach (var kv in all.Kvs)
        {
            // The audit log records refused requests too: an entry is not a write of the request's own.
            if (!kv.Key.StartsWith(KeyLayout.ReconciliationPrefix, StringComparison.Ordinal)
                && !kv.Key.StartsWith(Berth.Server.Security.AuditLog.KeyPrefix, StringComparison.Ordinal))
            {
                highest = Math.Max(highest, kv.ModRevision);
            }
        }
        return highest;
    }
}
