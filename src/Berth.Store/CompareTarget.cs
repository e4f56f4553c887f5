namespace Berth.Store;

/// <summary>Which field of a key a <see cref="Compare"/> tests; a missing key has 0 for every number.</summary>
public enum CompareTarget
{
    /// <summary><see cref="KeyValue.Version"/>.</summary>
    Version,

    /// <summary><see cref="KeyValue.CreateRevision"/> (0 means the key does not exist).</summary>
    CreateRevision,

    /// <summary><see cref="KeyValue.ModRevision"/>.</summary>
    ModRevision,

    /// <summary><see cref="KeyValue.Value"/>, compared byte-wise; any compare on a missing key's value fails.</summary>
    Value,

    /// <summary><see cref="KeyValue.Lease"/>.</summary>
    Lease,
}
