namespace Berth.Store;

/// <summary>A read or compaction named a revision newer than the store's current revision.</summary>
public sealed class FutureRevisionException : StoreException
{
    /// <summary>Creates the exception for <paramref name="requestedRevision"/> against <paramref name="currentRevision"/>.</summary>
    public FutureRevisionException(long requestedRevision, long currentRevision)
        : base(StoreMessages.FutureRevision(requestedRevision, currentRevision))
    {
        RequestedRevision = requestedRevision;
        CurrentRevision = currentRevision;
    }

    /// <summary>The revision asked for.</summary>
    public long RequestedRevision { get; }

    /// <summary>The store's revision at the time.</summary>
    public long CurrentRevision { get; }
}
