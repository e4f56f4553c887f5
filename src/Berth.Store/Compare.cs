namespace Berth.Store;

/// <summary>One guard of a transaction: <c>field(Key) Op operand</c>, as etcd's <c>Compare</c>.</summary>
/// <param name="Key">The key whose current entry is tested.</param>
/// <param name="Target">The field tested.</param>
/// <param name="Op">The relation.</param>
/// <param name="Number">Operand for numeric targets.</param>
/// <param name="Value">Operand for <see cref="CompareTarget.Value"/>.</param>
public sealed record Compare(string Key, CompareTarget Target, CompareOp Op, long Number, ReadOnlyMemory<byte> Value)
{
    /// <summary>The key's mod revision relates to <paramref name="revision"/>.</summary>
    public static Compare ModRevision(string key, CompareOp op, long revision) => new(key, CompareTarget.ModRevision, op, revision, default);

    /// <summary>The key's create revision relates to <paramref name="revision"/>.</summary>
    public static Compare CreateRevision(string key, CompareOp op, long revision) => new(key, CompareTarget.CreateRevision, op, revision, default);

    /// <summary>The key's version relates to <paramref name="version"/>.</summary>
    public static Compare Version(string key, CompareOp op, long version) => new(key, CompareTarget.Version, op, version, default);

    /// <summary>The key's value relates byte-wise to <paramref name="value"/>; false when the key is missing.</summary>
    public static Compare ValueIs(string key, CompareOp op, ReadOnlyMemory<byte> value) => new(key, CompareTarget.Value, op, 0, value);

    /// <summary>The key's lease relates to <paramref name="leaseId"/>.</summary>
    public static Compare Lease(string key, CompareOp op, long leaseId) => new(key, CompareTarget.Lease, op, leaseId, default);

    /// <summary>The key exists (create revision is not 0).</summary>
    public static Compare Exists(string key) => CreateRevision(key, CompareOp.Greater, 0);

    /// <summary>The key does not exist (create revision is 0).</summary>
    public static Compare Missing(string key) => CreateRevision(key, CompareOp.Equal, 0);
}
