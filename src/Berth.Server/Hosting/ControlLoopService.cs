using Berth.Server.Nodes;
using Berth.Server.Observability;
using Berth.Server.Placement;
using Berth.Store;
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
/// logged and retried on the next tick: the store's compares make every step safe to repeat. Each pass reports its
/// duration, its scheduling cycle, the retries it triggered and the cluster counts it left to <see cref="Observability.BerthMetrics"/>.
/// </remarks>
public sealed class ControlLoopService(
    NodeManager nodes,
    WorkloadPlacer placer,
    Retries.RetryEngine retries,
    ControlLoopSignal signal,
    ServerOptions options,
    BerthMetrics metrics,
    IKeyValueStore store,
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
            long passStart = time.GetTimestamp();
            bool failed = false;
            try
            {
                var now = time.GetUtcNow();
                if (lastCheck is null || now - lastCheck.Value >= nodes.Options.CheckInterval)
                {
                    await nodes.CheckAsync(stoppingToken).ConfigureAwait(false);
                    lastCheck = now;
                }
                // Retries before placement: a replica released from a full or lost node is then placed in this same pass.
                metrics.RecordRetries(await retries.DueAsync(stoppingToken).ConfigureAwait(false));
                long cycleStart = time.GetTimestamp();
                var passes = await placer.PlaceAllAsync(stoppingToken).ConfigureAwait(false);
                metrics.RecordSchedulingCycle(passes, time.GetElapsedTime(cycleStart));
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
                // Counted after placement, so the gauges show what this pass left behind.
                metrics.RecordCensus(await ClusterCensus.ReadAsync(store, stoppingToken).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failed = true;
                ServerLog.PassFailed(logger, e, options.LoopInterval);
            }
            metrics.RecordLoopPass(time.GetElapsedTime(passStart), failed);
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
