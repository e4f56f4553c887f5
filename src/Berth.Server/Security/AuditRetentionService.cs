using Berth.Server.Hosting;
using Berth.Server.Leadership;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Security;

/// <summary>
/// While this server leads, drops audit entries older than <see cref="ServerOptions.AuditRetention"/> once an hour (the
/// host runs it only when the retention is above zero). A deposed leader's late pass deletes only what the new leader would delete too, so the
/// store's leadership fence is not needed here.
/// </summary>
public sealed class AuditRetentionService(
    AuditLog audit,
    LeaderElection election,
    ServerOptions options,
    TimeProvider time,
    ILogger<AuditRetentionService> logger) : LeaderLoopService(election)
{
    /// <summary>How often the leader drops old entries.</summary>
    public static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    /// <inheritdoc/>
    protected override Task LeadAsync(CancellationToken stoppingToken) =>
        RunPassesAsync(PruneAsync, PruneInterval, time, e => SecurityLog.AuditPruneFailed(logger, e), stoppingToken);

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.AuditRetention;
        var dropped = await audit.PruneAsync(cutoff, cancellationToken).ConfigureAwait(false);
        if (dropped > 0)
        {
            SecurityLog.AuditPruned(logger, dropped, cutoff);
        }
    }
}
