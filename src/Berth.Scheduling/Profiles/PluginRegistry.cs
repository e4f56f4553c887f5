using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;

namespace Berth.Scheduling.Profiles;

/// <summary>Maps plugin names to factories; profiles name plugins, the registry makes them.</summary>
public sealed class PluginRegistry
{
    private readonly Dictionary<string, Func<PluginArgs?, ISchedulingPlugin>> _factories = new(StringComparer.Ordinal);

    /// <summary>The built-in plugins.</summary>
    public static PluginRegistry Default { get; } = CreateDefault();

    private static PluginRegistry CreateDefault()
    {
        var registry = new PluginRegistry();
        // One line per built-in plugin; the name is the plugin's own constant.
        registry.Register(NodeUnschedulable.Name, _ => new NodeUnschedulable());
        registry.Register(NodeReady.Name, _ => new NodeReady());
        registry.Register(NodeResourcesFit.Name, args => new NodeResourcesFit(PluginArgsOf<NodeResourcesFitArgs>(NodeResourcesFit.Name, args) ?? NodeResourcesFitArgs.Default));
        registry.Register(DefaultPreemption.Name, _ => new DefaultPreemption());
        registry.Register(NodeName.Name, _ => new NodeName());
        registry.Register(TaintToleration.Name, _ => new TaintToleration());
        registry.Register(NodeAffinity.Name, _ => new NodeAffinity());
        registry.Register(NodeResourcesBalancedAllocation.Name, args => new NodeResourcesBalancedAllocation(
            PluginArgsOf<NodeResourcesBalancedAllocationArgs>(NodeResourcesBalancedAllocation.Name, args) ?? NodeResourcesBalancedAllocationArgs.Default));
        registry.Register(InterPodAffinity.Name, args => new InterPodAffinity(PluginArgsOf<InterPodAffinityArgs>(InterPodAffinity.Name, args) ?? InterPodAffinityArgs.Default));
        registry.Register(PodTopologySpread.Name, _ => new PodTopologySpread());
        registry.Register(GpuDeviceFit.Name, _ => new GpuDeviceFit());
        registry.Register(GpuFragmentation.Name, args => new GpuFragmentation(PluginArgsOf<GpuFragmentationArgs>(GpuFragmentation.Name, args) ?? GpuFragmentationArgs.Default));
        registry.Register(GpuHeuristicScore.BestFitName, _ => new GpuHeuristicScore(GpuHeuristic.BestFit));
        registry.Register(GpuHeuristicScore.PackingName, _ => new GpuHeuristicScore(GpuHeuristic.Packing));
        registry.Register(GpuHeuristicScore.DotProductName, _ => new GpuHeuristicScore(GpuHeuristic.DotProduct));
        registry.Register(ReservationFit.Name, _ => new ReservationFit());
        registry.Register(Coscheduling.Name, _ => new Coscheduling());
        return registry;
    }

    /// <summary>The registered names.</summary>
    public IEnumerable<string> Names => _factories.Keys;

    /// <summary>Registers (or replaces) a plugin factory.</summary>
    public void Register(string name, Func<PluginArgs?, ISchedulingPlugin> factory) => _factories[name] = factory;

    /// <summary>True when the name is registered.</summary>
    public bool Contains(string name) => _factories.ContainsKey(name);

    /// <summary>Makes a plugin; throws <see cref="ProfileException"/> naming the profile and plugin when unknown.</summary>
    public ISchedulingPlugin Create(string profile, string name, PluginArgs? args)
    {
        if (!_factories.TryGetValue(name, out var factory))
        {
            throw new ProfileException(
                $"profile '{profile}': unknown plugin '{name}'; known plugins are {string.Join(", ", _factories.Keys.Order(StringComparer.Ordinal))}");
        }
        return factory(args);
    }

    /// <summary>Casts arguments to the plugin's own type, or throws naming the plugin.</summary>
    public static T? PluginArgsOf<T>(string plugin, PluginArgs? args) where T : PluginArgs => args switch
    {
        null => null,
        T typed => typed,
        _ => throw new ProfileException($"plugin '{plugin}' takes {typeof(T).Name}, not {args.GetType().Name}"),
    };
}
