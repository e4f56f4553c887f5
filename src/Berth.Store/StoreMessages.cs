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
}
