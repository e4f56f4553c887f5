using System.Text;

namespace Berth.Store;

/// <summary>The branch rules every backend enforces before it sends or applies anything (see <see cref="IKeyValueStore"/>: when a write is refused).</summary>
internal static class TxnBranchRules
{
    /// <summary>
    /// Checks a whole transaction before anything is sent or applied: no null or empty-keyed compare, and both branches
    /// valid by <see cref="Validate(IReadOnlyList{TxnOp})"/>.
    /// </summary>
    public static void Validate(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure)
    {
        ArgumentNullException.ThrowIfNull(compares);
        foreach (var compare in compares)
        {
            ArgumentNullException.ThrowIfNull(compare);
            KeyRange.ThrowIfEmptyKey(compare.Key, nameof(compares));
        }
        Validate(success);
        Validate(failure);
    }

    /// <summary>Throws <see cref="InvalidTransactionException"/> when a key is put twice or put inside a range the same branch deletes.</summary>
    public static void Validate(IReadOnlyList<TxnOp> ops)
    {
        ArgumentNullException.ThrowIfNull(ops);
        var puts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            ArgumentNullException.ThrowIfNull(op);
            if (op is PutOp put && !puts.TryAdd(put.Key, Encoding.UTF8.GetBytes(put.Key)))
            {
                throw new InvalidTransactionException(StoreMessages.DuplicatePut(put.Key));
            }
        }

        foreach (var op in ops)
        {
            if (op is DeleteOp delete)
            {
                foreach (var (key, bytes) in puts)
                {
                    if (delete.Range.Contains(bytes))
                    {
                        throw new InvalidTransactionException(StoreMessages.PutInsideDelete(key, delete.Range));
                    }
                }
            }
        }
    }
}
