using Berth.Core.Fleet;
using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using Berth.Scheduling.Tests.Fixtures;

namespace Berth.Scheduling.Tests.Fleet;

/// <summary>Small builders for fleet planning: the fleet design's medium node class, pools, policies and workloads.</summary>
internal static class FleetFixtures
{
    /// <summary>4 cores, 16 GiB; 0.192/h on simulated and local.</summary>
    public static NodeClassSpec Medium { get; } = NodeClass("medium", 4, 16, 0.192m);

    public static NodeClassSpec NodeClass(string name, int cores, int memoryGi, decimal costPerHour) =>
        new(name, new NodeClassResources(cores, memoryGi, 100, 0), new Dictionary<string, IReadOnlyDictionary<string, string>>(),
            new Dictionary<string, decimal> { [FleetProviderTypes.Simulated] = costPerHour, [FleetProviderTypes.Local] = costPerHour });

    public static PoolSpec Pool(string name, string? region = null, string[]? compliance = null, PoolCapacity? capacity = null,
        PoolBudget? budget = null, string[]? nodeClasses = null, string tier = "production") =>
        new(name, region ?? name, new PoolProvider(FleetProviderTypes.Simulated, new Dictionary<string, string>()),
            capacity ?? PoolCapacity.Unlimited, budget, nodeClasses ?? ["medium"],
            new Dictionary<string, string> { ["tier"] = tier }, compliance ?? []);

    public static PlacementPolicySpec Policy(string name = "production-policy", int minRegions = 0, string[]? compliance = null,
        FleetSpreadConstraint? spread = null, PolicyPreference[]? preferences = null, ClusterPolicy? clusterPolicy = null) =>
        new(name, LabelSelector.ForLabels(new Dictionary<string, string> { ["env"] = "production" }),
            new PolicyRequirements(minRegions, compliance ?? [], spread), preferences ?? [], clusterPolicy ?? ClusterPolicy.Default);

    public static ClusterPolicy Clusters(int minNodes = 1, int maxNodes = 20, double threshold = 0.8) =>
        new(minNodes, maxNodes, threshold, ConsolidationPolicy.Disabled);

    /// <summary>A production fleet workload of 2 cores, 4 GiB per replica.</summary>
    public static WorkloadSpec Workload(int replicas = 1, string[]? requiredRegions = null, string[]? compliance = null,
        LabelSelector? pools = null, IReadOnlyDictionary<string, int>? latency = null, string name = "api-gateway") =>
        WorkloadBuilder.Workload(name).Label("env", "production").Replicas(replicas).Build() with
        {
            Placement = new FleetPlacement(pools, requiredRegions ?? [], compliance ?? [], new FleetResources(2, 4),
                latency ?? new Dictionary<string, int>()),
        };

    public static FleetClusterUsage Cluster(string name, string pool, int nodes, double usedCores, FleetClusterPhase phase = FleetClusterPhase.Ready) =>
        new(new FleetCluster(name, pool, pool, FleetProviderTypes.Simulated, "medium",
            [.. Enumerable.Range(1, nodes).Select(n => $"{name}-{n}")], phase, DateTimeOffset.UnixEpoch), usedCores, usedCores);

    public static FleetPlan Plan(WorkloadSpec workload, PoolSpec[] pools, PlacementPolicySpec[]? policies = null,
        FleetClusterUsage[]? clusters = null, DependencyLocation[]? dependencies = null, NodeClassSpec[]? classes = null) =>
        FleetPlanner.Plan(new FleetPlanRequest(workload, pools, classes ?? [Medium], policies ?? [], clusters ?? [], dependencies ?? []));
}
