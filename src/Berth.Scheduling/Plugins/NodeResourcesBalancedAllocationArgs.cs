using Berth.Scheduling.Profiles;

namespace Berth.Scheduling.Plugins;

/// <summary>Arguments of <see cref="NodeResourcesBalancedAllocation"/>, as Kubernetes' NodeResourcesBalancedAllocationArgs.</summary>
/// <param name="Resources">The resources whose usage fractions are balanced; weights are validated but, as in Kubernetes, not used.</param>
public sealed record NodeResourcesBalancedAllocationArgs(IReadOnlyList<ResourceWeight> Resources) : PluginArgs
{
    /// <summary>Kubernetes' default: cpu and memory, weight 1 each.</summary>
    public static readonly NodeResourcesBalancedAllocationArgs Default = new(NodeResourcesFitArgs.DefaultResources);

    /// <summary>Checks the arguments; returns null when valid, else what is wrong with which argument.</summary>
    public string? Validate()
    {
        if (Resources.Count == 0)
        {
            return "resources: must name at least one resource";
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in Resources)
        {
            if (!seen.Add(r.Name))
            {
                return $"resources[{r.Name}]: listed twice; name each resource once";
            }
            if (r.Weight is < 1 or > 100)
            {
                return $"resources[{r.Name}].weight: {r.Weight} is out of range; use 1 to 100";
            }
        }
        return null;
    }
}
