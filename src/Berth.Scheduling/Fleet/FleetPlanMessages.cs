using System.Globalization;
using Berth.Core.Labels;
using Berth.Core.Specs;

namespace Berth.Scheduling.Fleet;

/// <summary>The words fleet placement uses in decisions, <c>describe</c> output, API errors and events.</summary>
public static class FleetPlanMessages
{
    /// <summary>A pool whose labels the workload's <c>placement.pools</c> selector does not match.</summary>
    public static string NotSelected(LabelSelector selector) => $"labels do not match placement.pools {selector}";

    /// <summary>A pool that does not meet a required compliance regime.</summary>
    public static string MissingCompliance(string regime) => $"no {regime} compliance label";

    /// <summary>A pool none of whose node classes can hold one replica.</summary>
    public static string NoNodeClassFits(IReadOnlyList<string> nodeClasses, FleetResources replica) =>
        nodeClasses.Count == 0
            ? "lists no node classes; add one to the pool's nodeClasses"
            : $"no node class of [{string.Join(", ", nodeClasses)}] is known and fits one replica ({Resources(replica)})";

    /// <summary>A pool whose node limit would be passed.</summary>
    public static string MaxNodesReached(int nodes, int adding, int maxNodes) =>
        $"capacity: {nodes} nodes + {adding} would pass capacity.maxNodes {maxNodes}";

    /// <summary>A pool whose core limit would be passed.</summary>
    public static string MaxCoresReached(int cores, int adding, int maxCores) =>
        $"capacity: {cores} cores + {adding} would pass capacity.maxCores {maxCores}";

    /// <summary>A pool whose memory limit would be passed.</summary>
    public static string MaxMemoryReached(int memoryGi, int adding, int maxMemoryGi) =>
        $"capacity: {memoryGi} GiB + {adding} would pass capacity.maxMemoryGi {maxMemoryGi}";

    /// <summary>A placement refused because the pool's projected month would pass its budget.</summary>
    public static string OverBudget(decimal projected, PoolBudget budget) =>
        $"over budget: the pool's projected month would be {Money(projected, budget.Currency)}, "
        + $"above budget.maxMonthlyCost {Money(budget.MaxMonthlyCost, budget.Currency)}";

    /// <summary>A pool whose clusters are all past the threshold and at the cluster policy's maximum size, with no room for a new one.</summary>
    public static string ClustersFull(ClusterPolicy clusterPolicy) =>
        $"every cluster is past binPackingThreshold {clusterPolicy.BinPackingThreshold.ToString(CultureInfo.InvariantCulture)} "
        + $"at clusterPolicy.maxNodes {clusterPolicy.MaxNodes}, and a new cluster of clusterPolicy.minNodes {clusterPolicy.MinNodes} does not fit";

    /// <summary>A qualifying pool that was not needed.</summary>
    public static string NotNeeded(int rank, int candidates, decimal replicaHourly) =>
        $"qualified but not needed: ranked {rank} of {candidates} ({replicaHourly.ToString("0.######", CultureInfo.InvariantCulture)}/h per replica)";

    /// <summary>A workload that is not a fleet workload handed to the planner.</summary>
    public static string NotAFleetWorkload(string workload) => $"workload {workload} has no placement; only fleet workloads are planned by pools";

    /// <summary>No replica can be placed because no pool qualified.</summary>
    public static string NoCandidatePools(int pools) =>
        pools == 0
            ? "no pools exist; apply a Pool first"
            : $"none of the {pools} pools qualifies; see the rejected pools, then relax placement or change the pools";

    /// <summary>A required region no qualifying pool can serve.</summary>
    public static string NoPoolInRequiredRegion(string region, IReadOnlyList<FleetRejection> rejections)
    {
        var why = new List<string>();
        foreach (var rejection in rejections)
        {
            if (rejection.Region == region)
            {
                why.Add(rejection.ToString());
            }
        }
        return why.Count == 0
            ? $"placement.requiredRegions names {region} but no pool is in {region}; add a pool there or remove the region"
            : $"placement.requiredRegions names {region} but no pool there can take a replica ({string.Join("; ", why)})";
    }

    /// <summary>Fewer replicas than regions they must cover.</summary>
    public static string TooFewReplicas(int replicas, int regions) =>
        $"replicas {replicas} cannot cover {regions} regions (requiredRegions/minRegions); raise replicas to at least {regions}";

    /// <summary>Not enough regions with a qualifying pool to meet minRegions.</summary>
    public static string TooFewRegions(int minRegions, int found) =>
        $"the placement policy requires minRegions {minRegions} but only {found} regions have a pool that can take a replica";

    /// <summary>A replica no pool could take, with the spread constraint when one applies.</summary>
    public static string NoRoom(int replica, int replicas, FleetSpreadConstraint? spread) =>
        $"no qualifying pool has room for replica {replica} of {replicas}"
        + (spread is null ? string.Empty : $" within spreadConstraint {spread.TopologyKey} maxSkew {spread.MaxSkew}")
        + "; raise the pools' capacity or budget, or lower replicas";

    /// <summary>The decision's reason for a placement.</summary>
    public static string Placed(IReadOnlyList<(string Pool, int Replicas)> perPool, FleetPolicy policy, int candidates)
    {
        var parts = new List<string>(perPool.Count);
        foreach (var (pool, replicas) in perPool)
        {
            parts.Add($"{pool} ({replicas})");
        }
        var text = "Placed in " + JoinAnd(parts);
        if (policy.RequiredRegions.Count > 0)
        {
            text += $" per requiredRegions [{string.Join(", ", policy.RequiredRegions)}]";
        }
        else
        {
            text += $", the best ranked of {candidates} candidate pools";
        }
        if (policy.MinRegions > 1)
        {
            text += $", minRegions {policy.MinRegions}";
        }
        if (policy.Spread is { } spread)
        {
            text += $", spread by {spread.TopologyKey} (maxSkew {spread.MaxSkew})";
        }
        if (policy.Compliance.Count > 0)
        {
            text += $", compliance [{string.Join(", ", policy.Compliance)}]";
        }
        if (policy.Policies.Count > 0)
        {
            text += $"; policy {string.Join(", ", policy.Policies)}";
        }
        return text;
    }

    /// <summary>An amount of money with its currency, two decimals (1,036.80 USD).</summary>
    public static string Money(decimal amount, string currency) =>
        amount.ToString("#,##0.00", CultureInfo.InvariantCulture) + " " + currency;

    /// <summary>What one replica needs, as a person reads it.</summary>
    public static string Resources(FleetResources replica) =>
        $"{replica.Cores.ToString("0.###", CultureInfo.InvariantCulture)} cores, {replica.MemoryGi.ToString("0.###", CultureInfo.InvariantCulture)} GiB";

    private static string JoinAnd(List<string> parts) => parts.Count switch
    {
        0 => string.Empty,
        1 => parts[0],
        _ => string.Join(", ", parts.GetRange(0, parts.Count - 1)) + " and " + parts[^1],
    };
}
