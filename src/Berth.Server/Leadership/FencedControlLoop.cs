using Berth.Scheduling.Framework;
using Berth.Server.Hosting;
using Berth.Server.Nodes;
using Berth.Server.Observability;
using Berth.Server.Placement;
using Berth.Server.Reconciliation;
using Berth.Server.Retries;
using Berth.Server.State;
using Berth.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Leadership;

/// <summary>
/// Builds the <see cref="ControlLoopService"/> with its own components over the <see cref="LeadershipFence"/>: node
/// liveness checks, placer, retry engine and reconciler (and the event log their transactions append to) write only in
/// this server's term. The API and agent endpoints keep the unfenced instances registered in the host: their writes are
/// every server's to make, leader or not.
/// </summary>
internal static class FencedControlLoop
{
    // Large enough that a group commit of a few hundred plans is one transaction; small enough to bound one write.
    private const int EmbeddedStoreOperationsPerTransaction = 4096;

    /// <summary>The control loop of the host whose services are <paramref name="services"/>.</summary>
    public static ControlLoopService Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<ServerOptions>();
        var metrics = services.GetRequiredService<BerthMetrics>();
        var time = services.GetRequiredService<TimeProvider>();
        var election = services.GetRequiredService<LeaderElection>();
        var store = new LeadershipFence(services.GetRequiredService<IKeyValueStore>(), election);
        var events = new EventLog(store, time);
        var nodes = new NodeManager(store, events, options.Nodes);
        // etcd refuses a transaction of more than --max-txn-ops (128 by default) compares or operations; the embedded
        // store has no such limit, so a group commit there takes far more at once.
        var placerOptions = options.UsesEtcd ? options.Placer : options.Placer with { MaxOperationsPerTransaction = EmbeddedStoreOperationsPerTransaction };
        // The cache reads through the fence too: a deposed leader's loads fail rather than feed a loop that must stop.
        var cache = new ClusterCache(store) { Clock = time };
        // Planners already work side by side, one workload each; a planner's own threads would only spin while the
        // others wait for a core.
        var placer = new WorkloadPlacer(store, events, placerOptions, new SchedulerOptions(1), cache);
        var retries = new RetryEngine(store, events, options.Retries);
        var reconciler = new Reconciler(
            store, events, placer, retries, nodes, options.Reconciler,
            logger: services.GetRequiredService<ILogger<Reconciler>>(), metrics: metrics,
            inventory: services.GetRequiredService<NodeInventory>());
        return new ControlLoopService(
            nodes, reconciler, cache, services.GetRequiredService<ControlLoopSignal>(), options, metrics, time,
            services.GetRequiredService<ILogger<ControlLoopService>>(), election,
            new Reservations.ReservationKeeper(store, events, cache));
    }
}
