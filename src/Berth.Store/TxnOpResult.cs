namespace Berth.Store;

/// <summary>The response to one operation of the branch that ran, in the same position as the operation.</summary>
/// <param name="Kvs">For a <see cref="GetOp"/>: the entries read; for a <see cref="PutOp"/>: the entry written; for a delete: empty.</param>
/// <param name="Deleted">For a <see cref="DeleteOp"/>: how many keys were deleted; otherwise 0.</param>
public sealed record TxnOpResult(IReadOnlyList<KeyValue> Kvs, long Deleted)
{
    /// <summary>The first entry read or written, or null when there is none (a get of one missing key).</summary>
    public KeyValue? Single => Kvs.Count > 0 ? Kvs[0] : null;
}
