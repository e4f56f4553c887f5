using Berth.Server.Hosting;
using Berth.Server.Leadership;
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
    ILogger<FleetControlService> logger) : LeaderLoopService(election)
{
    private int _passes;

    /// <summary>How many passes have completed, successfully or not.</summary>
    public int CompletedPasses => Volatile.Read(ref _passes);

    /// <inheritdoc/>
    protected override async Task LeadAsync(CancellationToken ct)
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
