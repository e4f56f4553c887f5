namespace Berth.Store;

/// <summary>One change seen by a watch.</summary>
/// <param name="Type">Put or delete.</param>
/// <param name="Kv">The entry after the change; for a delete only <see cref="KeyValue.Key"/> and <see cref="KeyValue.ModRevision"/> (the delete's revision) are set.</param>
public sealed record WatchEvent(WatchEventType Type, KeyValue Kv)
{
    /// <summary>The revision of the transaction that made the change.</summary>
    public long Revision => Kv.ModRevision;
}
