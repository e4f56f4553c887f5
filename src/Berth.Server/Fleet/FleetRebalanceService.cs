using Berth.Server.Hosting;
using Berth.Server.Leadership;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Fleet;

/// <summary>
/// Runs a rebalance pass every <see cref="ServerOptions.FleetRebalanceInterval"/> on the leader only, so that
/// underused clusters are consolidated without anyone asking; followers skip their turn.
/// </summary>
public sealed partial class FleetRebalanceService(
    FleetRebalancer rebalancer, LeaderElection election, ServerOptions options, TimeProvider time, ILogger<FleetRebalanceService> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.FleetRebalanceInterval <= TimeSpan.Zero)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.FleetRebalanceInterval, time, stoppingToken).ConfigureAwait(false);
                if (election.IsLeader)
                {
                    await rebalancer.RebalanceAsync(null, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // One failed pass must not stop consolidation for the life of the server; the next starts from the store again.
                PassFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet rebalance pass failed; the next pass retries")]
    private static partial void PassFailed(ILogger logger, Exception exception);
}
