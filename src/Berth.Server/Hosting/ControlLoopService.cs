using Berth.Server.Nodes;
using Berth.Server.Placement;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Hosting;

/// <summary>
/// The server's background control loop: each pass checks node liveness (at most every
/// <see cref="NodeManagerOptions.CheckInterval"/>) and then runs one placement pass over every workload. Passes run
/// every <see cref="ServerOptions.LoopInterval"/> and at once after a <see cref="ControlLoopSignal"/>.
/// </summary>
/// <remarks>
/// Liveness goes first so that replicas released from a lost node are placed in the same pass. A failing pass is
/// logged and retried on the next tick: the store's compares make every step safe to repeat.
/// </remarks>
public sealed class ControlLoopService(
    NodeManager nodes,
    WorkloadPlacer placer,
    Retries.RetryEngine retries,
    ControlLoopSignal signal,
    ServerOptions options,
    TimeProvider time,
    ILogger<ControlLoopService> logger) : BackgroundService
{
    private int _passes;

    /// <summary>How many passes have completed (successfully or not); readiness waits for the first.</summary>
    public int CompletedPasses => Volatile.Read(ref _passes);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? lastCheck = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                if (lastCheck is null || now - lastCheck.Value >= nodes.Options.CheckInterval)
                {
                    await nodes.CheckAsync(stoppingToken).ConfigureAwait(false);
                    lastCheck = now;
                }
                // Retries before placement: a replica released from a full or lost node is then placed in this same pass.
                await retries.DueAsync(stoppingToken).ConfigureAwait(false);
                var passes = await placer.PlaceAllAsync(stoppingToken).ConfigureAwait(false);
                foreach (var pass in passes)
                {
                    foreach (var replica in pass.Replicas)
                    {
                        if (replica.Kind == ReplicaOutcomeKind.Placed && replica.Node is not null)
                        {
                            ServerLog.Placed(logger, pass.Workload.ToString(), replica.Replica, replica.Node);
                        }
                    }
                    if (pass.GaveUp)
                    {
                        ServerLog.PlacementGaveUp(logger, pass.Workload.ToString(), pass.StaleRetries);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                ServerLog.PassFailed(logger, e, options.LoopInterval);
            }
            Interlocked.Increment(ref _passes);
            try
            {
                await signal.WaitAsync(options.LoopInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
