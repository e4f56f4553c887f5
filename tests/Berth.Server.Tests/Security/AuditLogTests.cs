using Berth.Server.Hosting;
using Berth.Server.Security;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Security;

/// <summary>The audit log's retention: entries past it are dropped, younger ones are kept untouched.</summary>
public sealed class AuditLogTests
{
    private static AuditEntry Entry(DateTimeOffset time, string user) =>
        new(time, user, [], IdentitySources.Token, "apply", "workloads", "default", "web", "POST /v1/apply", 200, AuditEntry.Succeeded, null);

    [Fact]
    public async Task Prune_EntriesOlderThanCutoff_DropsOnlyThose()
    {
        await using var store = StateFixtures.Store();
        var log = new AuditLog(store, TimeProvider.System);
        var t0 = StateFixtures.T0;
        await log.AppendAsync(Entry(t0, "old"));
        await log.AppendAsync(Entry(t0.AddDays(1), "older-than-cutoff"));
        await log.AppendAsync(Entry(t0.AddDays(40), "young"));

        var dropped = await log.PruneAsync(t0.AddDays(10));

        Assert.Equal(2, dropped);
        var left = Assert.Single(await log.QueryAsync(null, null, AuditLog.MaxLimit));
        Assert.Equal((t0.AddDays(40), "young"), (left.Time, left.User));
    }

    [Fact]
    public async Task Prune_NothingOlder_DropsNothing()
    {
        await using var store = StateFixtures.Store();
        var log = new AuditLog(store, TimeProvider.System);
        await log.AppendAsync(Entry(StateFixtures.T0, "alice"));

        Assert.Equal(0, await log.PruneAsync(StateFixtures.T0));
        Assert.Single(await log.QueryAsync("alice", null, AuditLog.MaxLimit));
    }

    [Fact]
    public void Validate_NegativeRetention_NamesTheOption()
    {
        var options = new ServerOptions { AuditRetention = TimeSpan.FromHours(-1) };

        var e = Assert.Throws<ServerOptionsException>(options.Validate);

        Assert.StartsWith("--audit-retention", e.Message, StringComparison.Ordinal);
    }
}
