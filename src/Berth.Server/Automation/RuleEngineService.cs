using Berth.Server.Hosting;
using Berth.Server.Leadership;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Automation;

/// <summary>
/// Runs the <see cref="RuleEngine"/> while this server leads, one pass every <see cref="RuleEngineOptions.Interval"/>, and
/// the <see cref="WebhookDispatcher"/> beside it, so webhook calls never hold up a pass. Both write through the
/// <see cref="LeadershipFence"/>: what a deposed leader tries to write is refused, and the next leader's first pass
/// finds the episodes the old one recorded.
/// </summary>
public sealed class RuleEngineService(
    RuleEngine engine,
    WebhookDispatcher dispatcher,
    LeaderElection election,
    RuleEngineOptions options,
    TimeProvider time,
    ILogger<RuleEngineService> logger) : LeaderLoopService(election)
{
    /// <inheritdoc/>
    protected override async Task LeadAsync(CancellationToken ct)
    {
        engine.DeliveriesQueued += Wake;
        var dispatching = dispatcher.RunAsync(ct);
        try
        {
            // A pass only records transitions it saw; the next one sees them again.
            await RunPassesAsync(engine.RunPassAsync, options.Interval, time, e => AutomationLog.PassFailed(logger, e), ct).ConfigureAwait(false);
        }
        finally
        {
            engine.DeliveriesQueued -= Wake;
            try
            {
                await dispatching.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The term ended; a term lost (rather than the host stopping) must not end the service, which waits for the next one.
            }
        }
    }

    private void Wake(object? sender, EventArgs e) => dispatcher.Notify();
}
