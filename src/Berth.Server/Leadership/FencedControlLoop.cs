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
        var placer = new WorkloadPlacer(store, events, options.Placer);
        var retries = new RetryEngine(store, events, options.Retries);
        var reconciler = new Reconciler(
            store, events, placer, retries, nodes, options.Reconciler,
            logger: services.GetRequiredService<ILogger<Reconciler>>(), metrics: metrics,
            inventory: services.GetRequiredService<NodeInventory>());
        return new ControlLoopService(
            nodes, reconciler, store, services.GetRequiredService<ControlLoopSignal>(), options, metrics, time,
            services.GetRequiredService<ILogger<ControlLoopService>>(), election);
    }
}
