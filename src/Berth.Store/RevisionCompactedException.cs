namespace Berth.Store;

/// <summary>A read or watch asked for a revision whose history was discarded by compaction.</summary>
public sealed class RevisionCompactedException : StoreException
{
    /// <summary>Creates the exception for <paramref name="requestedRevision"/> against <paramref name="compactRevision"/>.</summary>
    public RevisionCompactedException(long requestedRevision, long compactRevision)
        : base(StoreMessages.RevisionCompacted(requestedRevision, compactRevision))
    {
        RequestedRevision = requestedRevision;
        CompactRevision = compactRevision;
    }

    /// <summary>The revision asked for.</summary>
    public long RequestedRevision { get; }

    /// <summary>The oldest revision still available.</summary>
    public long CompactRevision { get; }
}
