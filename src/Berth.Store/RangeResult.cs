namespace Berth.Store;

/// <summary>The answer to a range read.</summary>
/// <param name="Kvs">Matching entries in key order, at most the requested limit.</param>
/// <param name="Revision">The store's current revision when the read was served (not the revision read at).</param>
/// <param name="More">True when the limit cut off further matching entries.</param>
/// <param name="Count">Total number of matching entries, ignoring the limit.</param>
public sealed record RangeResult(IReadOnlyList<KeyValue> Kvs, long Revision, bool More, long Count);
