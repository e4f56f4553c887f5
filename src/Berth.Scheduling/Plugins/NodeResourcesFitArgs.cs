using Berth.Scheduling.Profiles;

namespace Berth.Scheduling.Plugins;

/// <summary>Arguments of <see cref="NodeResourcesFit"/>, as Kubernetes' NodeResourcesFitArgs.scoringStrategy.</summary>
/// <param name="Shape">RequestedToCapacityRatio only; points in increasing utilization.</param>
public sealed record NodeResourcesFitArgs(ScoringStrategyType Strategy, IReadOnlyList<ResourceWeight> Resources, IReadOnlyList<UtilizationShapePoint> Shape) : PluginArgs
{
    /// <summary>cpu and memory, weight 1 each (Kubernetes' default).</summary>
    public static readonly IReadOnlyList<ResourceWeight> DefaultResources = [new("cpu", 1), new("memory", 1)];

    /// <summary>The shape used when RequestedToCapacityRatio is chosen without one: 0 % → 0, 100 % → 10 (bin-packing).</summary>
    public static readonly IReadOnlyList<UtilizationShapePoint> DefaultShape = [new(0, 0), new(100, 10)];

    /// <summary>Kubernetes' default: LeastAllocated over cpu and memory.</summary>
    public static readonly NodeResourcesFitArgs Default = new(ScoringStrategyType.LeastAllocated, DefaultResources, []);

    /// <summary>Checks the arguments; returns null when valid, else what is wrong with which argument.</summary>
    public string? Validate()
    {
        if (Resources.Count == 0)
        {
            return "resources: must name at least one resource";
        }
        foreach (var r in Resources)
        {
            if (r.Weight is < 1 or > 100)
            {
                return $"resources[{r.Name}].weight: {r.Weight} is out of range; use 1 to 100";
            }
        }
        if (Strategy == ScoringStrategyType.RequestedToCapacityRatio)
        {
            for (int i = 0; i < Shape.Count; i++)
            {
                var p = Shape[i];
                if (p.Utilization is < 0 or > 100)
                {
                    return $"shape[{i}].utilization: {p.Utilization} is out of range; use 0 to 100";
                }
                if (p.Score is < 0 or > 10)
                {
                    return $"shape[{i}].score: {p.Score} is out of range; use 0 to 10";
                }
                if (i > 0 && p.Utilization <= Shape[i - 1].Utilization)
                {
                    return $"shape[{i}].utilization: points must be in increasing utilization";
                }
            }
        }
        return null;
    }
}
