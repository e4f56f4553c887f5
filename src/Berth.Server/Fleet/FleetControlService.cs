using Berth.Server.Hosting;
using Berth.Server.Leadership;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Fleet;

/// <summary>
/// Runs the <see cref="FleetController"/> while this server leads, one pass every <see cref="ServerOptions.LoopInterval"/>
/// (the node control loop's own signal is not shared: it is a queue one reader drains). The controller writes through the
/// <see cref="LeadershipFence"/>, so a pass still running when the term ends is refused by the store.
/// </summary>
public sealed class FleetControlService(
    FleetController controller,
    LeaderElection election,
    ServerOptions options,
    TimeProvider time,
    ILogger<FleetControlService> logger) : BackgroundService
{
    private int _passes;

    /// <summary>How many passes have completed, successfully or not.</summary>
    public int CompletedPasses => Volatile.Read(ref _passes);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            LeadershipTerm term;
            try
            {
                term = await election.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term.Lost);
            await LeadAsync(leading.Token).ConfigureAwait(false);
        }
    }

    private async Task LeadAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await controller.RunPassAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Every step of a pass is safe to repeat; the next tick tries again.
                FleetControllerLog.PassFailed(logger, e);
            }
            Interlocked.Increment(ref _passes);
            try
            {
                await Task.Delay(options.LoopInterval, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
