namespace Berth.Server.Retries;

/// <summary>How <see cref="RetryEngine.DueAsync"/> made a replica run again.</summary>
public enum RestartKind
{
    /// <summary>Its assignment is Pending again on the same node (the node exists, is Ready and has room).</summary>
    InPlace,

    /// <summary>Its assignment was deleted so that the placement loop places the replica elsewhere (the node is gone, NotReady or full).</summary>
    Released,
}
