namespace Berth.Store.Etcd;

/// <summary>
/// Maps store revisions to etcd revisions and back. The contract numbers an empty store's revision 0 and its first
/// change 1; etcd numbers an empty cluster 1 and its first change 2. So store = etcd − 1 for every revision, and 0 stays 0
/// where it means "none" (a missing key's create/mod revision, "current" in a read, "from now" in a watch).
/// </summary>
/// <remarks>
/// The map is strictly increasing and every revision etcd reports (0 or at least 1 for headers, 0 or at least 2 for keys)
/// has an image, so a compare <c>field op n</c> holds in the store exactly when <c>etcd(field) op etcd(n)</c> holds in etcd.
/// </remarks>
internal static class EtcdRevisions
{
    /// <summary>The etcd revision of store revision <paramref name="revision"/> (0 and below unchanged).</summary>
    public static long ToEtcd(long revision) => revision <= 0 ? revision : revision + 1;

    /// <summary>The store revision of etcd revision <paramref name="revision"/> (0 stays 0, etcd's empty revision 1 becomes 0).</summary>
    public static long ToStore(long revision) => revision <= 1 ? 0 : revision - 1;
}
