using Berth.Server.Leadership;
using Berth.Server.Nodes;
using Berth.Server.Observability;
using Berth.Server.Reconciliation;
using Berth.Server.Reservations;
using Berth.Server.State;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Hosting;

/// <summary>
/// The server's one control loop owner: it runs the <see cref="Reconciler"/> on a bounded worker pool
/// (<see cref="ReconcileQueue"/>) fed two ways, by the <see cref="ClusterCache"/> it loads and keeps following (a
/// workload or assignment that changes is reconciled at once, once the cache holds the change) and by a sweep of every workload every <see cref="ReconcilerOptions.Interval"/> or after a
/// <see cref="ControlLoopSignal"/>. Each pass also checks node liveness (at most every
/// <see cref="NodeManagerOptions.CheckInterval"/>) and hands due retries to the retry engine; passes run every
/// <see cref="ServerOptions.LoopInterval"/> and at once after a signal.
/// </summary>
/// <remarks>
/// Liveness goes first so that replicas released from a lost node are queued in the same pass. A pass that sweeps
/// waits until the swept workloads were reconciled, so the first completed pass (readiness) means every workload was
/// looked at once. A failing pass is logged and retried on the next tick: every step is safe to repeat. Each pass
/// reports its duration and the cluster counts it left to <see cref="BerthMetrics"/>.
/// <para>The loop runs only while this server leads (<see cref="LeaderElection"/>): it waits for a term, runs until the
/// term ends (its pass, queue and watches are cancelled at once) and waits for the next. Its components write through the
/// <see cref="LeadershipFence"/>, so a write still in flight when the term ends is refused by the store.</para>
/// </remarks>
public sealed class ControlLoopService(
    NodeManager nodes,
    Reconciler reconciler,
    ClusterCache cache,
    ControlLoopSignal signal,
    ServerOptions options,
    BerthMetrics metrics,
    TimeProvider time,
    ILogger<ControlLoopService> logger,
    LeaderElection election,
    ReservationKeeper? reservations = null) : LeaderLoopService(election)
{
    /// <inheritdoc/>
    protected override async Task LeadAsync(CancellationToken stoppingToken)
    {
        await using var queue = new ReconcileQueue(
            async (workload, ct) => (await reconciler.ReconcileAsync(workload, ct).ConfigureAwait(false)).BackOff,
            reconciler.Options,
            time,
            (workload, e) => ServerLog.ReconcileFailed(logger, e, workload.ToString()));
        queue.Start(stoppingToken);
        Task? watch = null;
        DateTimeOffset? lastCheck = null;
        DateTimeOffset? lastSweep = null;
        bool signalled = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            long passStart = time.GetTimestamp();
            bool failed = false;
            try
            {
                var now = time.GetUtcNow();
                if (lastCheck is null || now - lastCheck.Value >= nodes.Options.CheckInterval)
                {
                    var check = await nodes.CheckAsync(stoppingToken).ConfigureAwait(false);
                    lastCheck = now;
                    Enqueue(queue, await reconciler.RecordNodeCheckAsync(check, stoppingToken).ConfigureAwait(false));
                }
                // Retries fall due with no write to announce them: looked for every pass.
                Enqueue(queue, await reconciler.RetryDueAsync(stoppingToken).ConfigureAwait(false));
                // Expiry comes with no write to announce it either; removing a reservation makes the cache look at every workload.
                if (reservations is not null)
                {
                    await reservations.ExpireAsync(stoppingToken).ConfigureAwait(false);
                }

                // Partial gangs time out with no write to announce it either.
                Enqueue(queue, await reconciler.ReleaseExpiredGangsAsync(stoppingToken).ConfigureAwait(false));
                if (watch is not null && watch.IsCompleted)
                {
                    ServerLog.WatchEnded(logger, watch.Exception?.InnerException?.Message ?? "ended");
                    watch = null;
                }
                if (signalled || watch is null || lastSweep is null || now - lastSweep.Value >= reconciler.Options.Interval)
                {
                    if (watch is null)
                    {
                        // The cache follows from the revision it loaded at and the sweep reads after it: no change falls between.
                        await cache.LoadAsync(stoppingToken).ConfigureAwait(false);
                        watch = cache.FollowAsync(workload => _ = queue.EnqueueAsync(workload), signal.Notify, stoppingToken);
                    }
                    var (workloads, _) = await reconciler.WorkloadsAsync(stoppingToken).ConfigureAwait(false);
                    var runs = new Task[workloads.Count];
                    for (int i = 0; i < runs.Length; i++)
                    {
                        runs[i] = queue.EnqueueAsync(workloads[i]);
                    }
                    await Task.WhenAll(runs).WaitAsync(stoppingToken).ConfigureAwait(false);
                    queue.Retain(new HashSet<WorkloadKey>(workloads));
                    lastSweep = now;
                }
                // Counted after the sweep, so the gauges show what this pass left behind.
                metrics.RecordCensus(ClusterCensus.Count(cache));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (LeadershipLostException)
            {
                // The fence ended the term; the token is cancelled by now and the loop waits for the next term.
                return;
            }
            catch (Exception e)
            {
                failed = true;
                ServerLog.PassFailed(logger, e, options.LoopInterval);
            }
            metrics.RecordLoopPass(time.GetElapsedTime(passStart), failed);
            CountPass();
            try
            {
                signalled = await signal.WaitAsync(options.LoopInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static void Enqueue(ReconcileQueue queue, IReadOnlyList<WorkloadKey> workloads)
    {
        foreach (var workload in workloads)
        {
            _ = queue.EnqueueAsync(workload);
        }
    }
}
