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
    /// <inheritdoc/>
    protected override Task LeadAsync(CancellationToken ct) =>
        // Every step of a pass is safe to repeat; the next tick tries again.
        RunPassesAsync(controller.RunPassAsync, options.LoopInterval, time, e => FleetControllerLog.PassFailed(logger, e), ct);
}
