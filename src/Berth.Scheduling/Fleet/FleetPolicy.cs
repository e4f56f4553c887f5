using Berth.Core.Specs;

namespace Berth.Scheduling.Fleet;

/// <summary>
/// The rules in force for one fleet workload: its own placement merged with every placement policy whose selector
/// matches its labels. Requirements add up (compliance is the union, minRegions the largest, the first spread
/// constraint by policy name wins); preferences are all kept; the cluster policy is the first matching policy's.
/// </summary>
/// <param name="Policies">The names of the matching policies, in name order.</param>
/// <param name="Compliance">Every regime a pool must meet (the workload's first, then the policies').</param>
/// <param name="MinRegions">The fewest regions the replicas must span.</param>
/// <param name="RequiredRegions">Regions that must each hold a replica.</param>
/// <param name="Spread">The spread constraint, or null.</param>
/// <param name="Preferences">The weighted preferences.</param>
/// <param name="ClusterPolicy">How clusters are sized and filled.</param>
public sealed record FleetPolicy(
    IReadOnlyList<string> Policies,
    IReadOnlyList<string> Compliance,
    int MinRegions,
    IReadOnlyList<string> RequiredRegions,
    FleetSpreadConstraint? Spread,
    IReadOnlyList<PolicyPreference> Preferences,
    ClusterPolicy ClusterPolicy)
{
    /// <summary>The rules for <paramref name="workload"/> under <paramref name="policies"/>.</summary>
    public static FleetPolicy For(WorkloadSpec workload, IReadOnlyList<PlacementPolicySpec> policies)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(policies);
        var placement = workload.Placement;
        var names = new List<string>();
        var compliance = new List<string>();
        var preferences = new List<PolicyPreference>();
        if (placement is not null)
        {
            AddDistinct(compliance, placement.Compliance);
        }
        int minRegions = 0;
        FleetSpreadConstraint? spread = null;
        ClusterPolicy? clusterPolicy = null;
        var ordered = new List<PlacementPolicySpec>(policies);
        ordered.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var policy in ordered)
        {
            if (!policy.Selector.Matches(workload.Labels))
            {
                continue;
            }
            names.Add(policy.Name);
            AddDistinct(compliance, policy.Requirements.Compliance);
            minRegions = Math.Max(minRegions, policy.Requirements.MinRegions);
            spread ??= policy.Requirements.SpreadConstraint;
            preferences.AddRange(policy.Preferences);
            clusterPolicy ??= policy.ClusterPolicy;
        }
        var required = new List<string>();
        if (placement is not null)
        {
            AddDistinct(required, placement.RequiredRegions);
        }
        return new FleetPolicy(names, compliance, minRegions, required, spread, preferences, clusterPolicy ?? ClusterPolicy.Default);
    }

    private static void AddDistinct(List<string> into, IReadOnlyList<string> values)
    {
        foreach (var value in values)
        {
            if (!into.Contains(value, StringComparer.Ordinal))
            {
                into.Add(value);
            }
        }
    }
}
