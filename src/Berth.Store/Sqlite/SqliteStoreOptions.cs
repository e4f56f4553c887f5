namespace Berth.Store.Sqlite;

/// <summary>Settings of a <see cref="SqliteStore"/>.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>Path of the database file (created if missing), or <c>:memory:</c> for a private in-memory store that vanishes on close.</summary>
    public required string DataSource { get; init; }

    /// <summary>How often expired leases are swept when no call arrives; every call also sweeps first. Default 1 s.</summary>
    public TimeSpan LeaseCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for a file lock held by another process before failing with <see cref="StoreUnavailableException"/>. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>True when <see cref="DataSource"/> names an in-memory database.</summary>
    internal bool IsInMemory => DataSource == ":memory:";

    /// <summary>Throws with the offending setting named when a value is out of range.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataSource))
        {
            throw new ArgumentException("SqliteStoreOptions.DataSource must name a file path or \":memory:\".", nameof(DataSource));
        }

        if (LeaseCheckInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseCheckInterval), LeaseCheckInterval, "SqliteStoreOptions.LeaseCheckInterval must be positive, e.g. 1 s.");
        }

        if (BusyTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout, "SqliteStoreOptions.BusyTimeout must not be negative.");
        }
    }
}
