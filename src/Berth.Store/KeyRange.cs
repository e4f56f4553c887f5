using System.Text;

namespace Berth.Store;

/// <summary>A single key or a half-open key interval [start, end) in UTF-8 byte order, as etcd's key/range_end pair.</summary>
public sealed class KeyRange
{
    private KeyRange(string description, byte[] start, byte[]? end)
    {
        Description = description;
        Start = start;
        End = end;
    }

    /// <summary>Human-readable form, for messages.</summary>
    public string Description { get; }

    /// <summary>First key's UTF-8 bytes (inclusive).</summary>
    internal byte[] Start { get; }

    /// <summary>Exclusive end's UTF-8 bytes; null for a single key; empty for "no upper bound" (etcd's "\0").</summary>
    internal byte[]? End { get; }

    /// <summary>Exactly one key.</summary>
    public static KeyRange Key(string key)
    {
        ThrowIfEmptyKey(key);
        return new KeyRange(key, Encoding.UTF8.GetBytes(key), null);
    }

    /// <summary>Every key that starts with <paramref name="prefix"/>; the empty prefix means every key.</summary>
    public static KeyRange Prefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var start = Encoding.UTF8.GetBytes(prefix);
        return new KeyRange(prefix + "*", start, PrefixEnd(start));
    }

    /// <summary>Keys from <paramref name="start"/> (inclusive) to <paramref name="endExclusive"/> (exclusive).</summary>
    public static KeyRange Between(string start, string endExclusive)
    {
        ThrowIfEmptyKey(start);
        ThrowIfEmptyKey(endExclusive);
        return new KeyRange($"[{start}, {endExclusive})", Encoding.UTF8.GetBytes(start), Encoding.UTF8.GetBytes(endExclusive));
    }

    /// <summary>Keys from <paramref name="start"/> (inclusive) with no upper bound.</summary>
    public static KeyRange From(string start)
    {
        ThrowIfEmptyKey(start);
        return new KeyRange($"[{start}, end)", Encoding.UTF8.GetBytes(start), []);
    }

    /// <summary>True when the UTF-8 key bytes fall in this range.</summary>
    internal bool Contains(ReadOnlySpan<byte> key)
    {
        if (End is null)
        {
            return key.SequenceEqual(Start);
        }

        return key.SequenceCompareTo(Start) >= 0 && (End.Length == 0 || key.SequenceCompareTo(End) < 0);
    }

    /// <inheritdoc/>
    public override string ToString() => Description;

    internal static void ThrowIfEmptyKey(string key, string? paramName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length == 0)
        {
            throw new ArgumentException(StoreMessages.EmptyKey, paramName);
        }
    }

    // etcd's clientv3.GetPrefixRangeEnd: increment the last byte below 0xff and drop everything after it;
    // a prefix of only 0xff bytes (or the empty prefix) has no upper bound.
    private static byte[] PrefixEnd(byte[] prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] < 0xff)
            {
                var end = prefix[..(i + 1)];
                end[i]++;
                return end;
            }
        }

        return [];
    }
}
