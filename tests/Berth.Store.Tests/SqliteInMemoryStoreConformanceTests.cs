using Berth.Store.Sqlite;

namespace Berth.Store.Tests;

/// <summary>The conformance suite on the in-memory SQLite mode used by fast tests elsewhere.</summary>
public sealed class SqliteInMemoryStoreConformanceTests : ClockDrivenStoreConformanceTests
{
    protected override IKeyValueStore CreateStore(TimeProvider time) =>
        SqliteStore.Open(new SqliteStoreOptions { DataSource = ":memory:" }, time);
}
