namespace Berth.Store;

/// <summary>Every user-visible message of the store, in one place so tests can assert on them.</summary>
internal static class StoreMessages
{
    public const string EmptyKey = "Store keys must not be empty; use a key such as \"/nodes/n1\".";

    public static string RevisionCompacted(long requested, long compacted) =>
        $"Revision {requested} has been compacted; the oldest available revision is {compacted}. Re-read the current state (revision 0) and watch from its revision.";

    public static string FutureRevision(long requested, long current) =>
        $"Revision {requested} is newer than the store's current revision {current}; pass 0 for the current revision or a revision up to {current}.";

    public static string LeaseNotFound(long leaseId) =>
        $"Lease {leaseId} was not found: it was never granted, was revoked, or expired. Grant a new lease and put the keys again.";

    public static string DuplicatePut(string key) =>
        $"Key \"{key}\" is put more than once in one transaction branch; put each key at most once.";

    public static string PutInsideDelete(string key, KeyRange range) =>
        $"Key \"{key}\" is both put and deleted (range {range}) in one transaction branch; split them into separate operations.";

    public static string StoreClosed(string source) =>
        $"The store at \"{source}\" has been closed; open it again to continue.";

    public static string BackendFailed(string source, string operation, int errorCode, string detail) =>
        $"The SQLite store at \"{source}\" failed during {operation} (SQLite error {errorCode}: {detail}). Check that the file exists, is writable, is not opened by another Berth process, and that the disk has space.";

    public static string TtlNotPositive(TimeSpan ttl) =>
        $"Lease TTL must be positive, got {ttl}; pass e.g. TimeSpan.FromSeconds(10).";

    public static string EtcdConnectionStringInvalid(string value, string problem) =>
        $"Store address \"{value}\" is not a valid etcd address: {problem}. Use etcd://host:port[,host:port...], e.g. etcd://127.0.0.1:2379,10.0.0.2:2379.";

    public static string EtcdUnavailable(string endpoints, string operation, string status, string detail) =>
        $"etcd at {endpoints} did not complete {operation} ({status}: {detail}). Check that etcd is running and reachable at these addresses and that the cluster has a leader (etcdctl endpoint status); a write that timed out may or may not have been applied, so re-read before retrying it.";

    public static string EtcdNoSpace(string endpoints, string detail) =>
        $"etcd at {endpoints} refused the write because its database is full ({detail}). Compact old revisions, defragment (etcdctl defrag) and disarm the NOSPACE alarm (etcdctl alarm disarm), or raise --quota-backend-bytes.";

    public static string EtcdRequestTooLarge(string endpoints, string detail) =>
        $"etcd at {endpoints} refused the transaction as too large ({detail}); split it into smaller transactions or raise etcd's --max-request-bytes.";

    public static string EtcdTooManyOperations(string endpoints, int operations, string detail) =>
        $"etcd at {endpoints} refused a transaction of {operations} operations ({detail}); etcd allows 128 per transaction unless started with a larger --max-txn-ops, so split the work into smaller transactions.";

    public static string EtcdRefused(string endpoints, string operation, string status, string detail) =>
        $"etcd at {endpoints} refused {operation} ({status}: {detail}); this is not a transient failure, check etcd's configuration (authentication, version 3.4 or newer).";

    public static string EtcdWatchCancelled(string endpoints, KeyRange range, string reason) =>
        $"etcd at {endpoints} cancelled the watch on {range} ({reason}); start a new watch from the last revision seen.";
}
