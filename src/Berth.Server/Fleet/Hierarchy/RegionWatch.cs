using Berth.Server.Leadership;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>
/// A parent's watch over its children: while this server leads, every <see cref="RegionLinkOptions.ReportInterval"/>
/// it marks the children that stayed silent for <see cref="RegionLinkOptions.DisconnectedAfter"/> as disconnected
/// (<see cref="FleetRegions.MarkSilentAsync"/>), so their pools leave placement and the event log says so.
/// </summary>
public sealed class RegionWatch(FleetRegions regions, RegionLinkOptions options, LeaderElection election, TimeProvider time, ILogger<RegionWatch> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.ReportInterval, time, stoppingToken).ConfigureAwait(false);
                if (election.IsLeader)
                {
                    await regions.MarkSilentAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                RegionLinkLog.WatchFailed(logger, e);
            }
        }
    }
}
