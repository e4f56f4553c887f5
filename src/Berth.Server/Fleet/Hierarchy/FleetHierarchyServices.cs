using Berth.Server.Hosting;
using Berth.Server.Leadership;
using Berth.Server.State;
using Berth.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>Registers the region hierarchy's services in one place, so the host adds one line.</summary>
public static class FleetHierarchyServices
{
    /// <summary>
    /// Adds <see cref="LocalFleetCatalog"/>, <see cref="FleetRegions"/> and its <see cref="RegionWatch"/> (every server may
    /// be a parent) and <see cref="RegionLink"/> (active only with <see cref="ServerOptions.Parent"/>).
    /// </summary>
    public static IServiceCollection AddFleetHierarchy(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp => new LocalFleetCatalog(sp.GetRequiredService<IKeyValueStore>()));
        services.AddSingleton(sp => new FleetRegions(
            sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<EventLog>(), sp.GetRequiredService<LocalFleetCatalog>(), options.RegionLink, options.Region));
        services.AddSingleton(sp => new RegionWatch(
            sp.GetRequiredService<FleetRegions>(), options.RegionLink, sp.GetRequiredService<LeaderElection>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RegionWatch>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RegionWatch>());
        services.AddSingleton(sp => new RegionLink(
            options, sp.GetRequiredService<LocalFleetCatalog>(), sp.GetRequiredService<BoundAddresses>(), sp.GetRequiredService<LeaderElection>(),
            sp.GetRequiredService<EventLog>(), sp.GetRequiredService<ILogger<RegionLink>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RegionLink>());
        services.AddSingleton(sp => new FleetHierarchy(
            options, sp.GetRequiredService<FleetRegions>(), sp.GetRequiredService<RegionLink>(), sp.GetRequiredService<LocalFleetCatalog>(),
            sp.GetRequiredService<Api.WorkloadWriter>(), sp.GetRequiredService<EventLog>()));
        return services;
    }
}
