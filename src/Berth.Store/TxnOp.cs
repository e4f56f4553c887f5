namespace Berth.Store;

/// <summary>One operation of a transaction branch: <see cref="PutOp"/>, <see cref="DeleteOp"/> or <see cref="GetOp"/>.</summary>
public abstract record TxnOp
{
    private protected TxnOp()
    {
    }

    /// <summary>Writes <paramref name="value"/> to <paramref name="key"/>, attached to <paramref name="leaseId"/> (0: no lease).</summary>
    public static PutOp Put(string key, ReadOnlyMemory<byte> value, long leaseId = 0)
    {
        KeyRange.ThrowIfEmptyKey(key);
        return new PutOp(key, value, leaseId);
    }

    /// <summary>Deletes <paramref name="key"/> if it exists.</summary>
    public static DeleteOp Delete(string key) => new(KeyRange.Key(key));

    /// <summary>Deletes every key in <paramref name="range"/>.</summary>
    public static DeleteOp Delete(KeyRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        return new DeleteOp(range);
    }

    /// <summary>Reads <paramref name="key"/>.</summary>
    public static GetOp Get(string key) => new(KeyRange.Key(key), 0);

    /// <summary>Reads the keys in <paramref name="range"/>, at most <paramref name="limit"/> (0: all).</summary>
    public static GetOp Get(KeyRange range, long limit = 0)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return new GetOp(range, limit);
    }
}
