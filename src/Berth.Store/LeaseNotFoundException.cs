namespace Berth.Store;

/// <summary>The lease does not exist: never granted, revoked, or expired. Any transaction naming it was not applied.</summary>
public sealed class LeaseNotFoundException : StoreException
{
    /// <summary>Creates the exception for <paramref name="leaseId"/>.</summary>
    public LeaseNotFoundException(long leaseId)
        : base(StoreMessages.LeaseNotFound(leaseId))
    {
        LeaseId = leaseId;
    }

    /// <summary>The lease asked for.</summary>
    public long LeaseId { get; }
}
