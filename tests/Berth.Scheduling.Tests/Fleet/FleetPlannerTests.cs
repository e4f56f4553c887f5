using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using static Berth.Scheduling.Tests.Fleet.FleetFixtures;

namespace Berth.Scheduling.Tests.Fleet;

public class FleetPlannerTests
{
    private static readonly PolicyPreference CheapestFirst = new(50, PoolSortKey.Cost, SortOrder.Ascending);

    private static (string Pool, int Replicas)[] PerPool(FleetPlan plan) =>
        [.. plan.Shares.GroupBy(s => s.Pool).Select(g => (g.Key, g.Sum(s => s.Replicas)))];

    [Fact]
    public void Plan_RequiredRegionsAndGdpr_PlacesPerPolicyAndRejectsPoolWithoutGdpr()
    {
        var cheap = NodeClass("cheap-medium", 4, 16, 0.1m);
        var pools = new[]
        {
            Pool("us-east", compliance: ["soc2", "gdpr"], nodeClasses: ["cheap-medium"]),
            Pool("eu-west", compliance: ["soc2", "gdpr"]),
            Pool("ap-south", compliance: ["soc2"]),
        };
        var policy = Policy(minRegions: 2, compliance: ["soc2"], spread: new FleetSpreadConstraint("region", 1), preferences: [CheapestFirst]);

        var plan = Plan(Workload(3, requiredRegions: ["us-east", "eu-west"], compliance: ["gdpr"]), pools, [policy], classes: [Medium, cheap]);

        Assert.True(plan.Placed, plan.Reason);
        Assert.Equal([("us-east", 2), ("eu-west", 1)], PerPool(plan));
        var rejection = Assert.Single(plan.Rejected);
        Assert.Equal("ap-south: no gdpr compliance label", rejection.ToString());
        Assert.Equal(FleetPlanPhase.Pools, rejection.Phase);
        Assert.Equal("Placed in us-east (2) and eu-west (1) per requiredRegions [us-east, eu-west], minRegions 2, spread by region (maxSkew 1), "
            + "compliance [gdpr, soc2]; policy production-policy", plan.Reason);
        // 2 cores of a 4-core node is half the node: 2 × 0.05 in us-east, 1 × 0.096 in eu-west.
        Assert.Equal(0.196m, plan.HourlyCost);
        Assert.Equal(141.12m, plan.Projected30DayCost);
    }

    [Fact]
    public void Plan_PoolSelector_RejectsPoolsWhoseLabelsDoNotMatch()
    {
        var selector = LabelSelector.ForLabels(new Dictionary<string, string> { ["tier"] = "production" });

        var plan = Plan(Workload(pools: selector), [Pool("us-east"), Pool("staging", tier: "staging")]);

        Assert.Equal([("us-east", 1)], PerPool(plan));
        Assert.Equal("staging: labels do not match placement.pools tier=production", Assert.Single(plan.Rejected).ToString());
    }

    [Fact]
    public void Plan_PoolOverBudget_IsRefusedWithTheProjectedCost()
    {
        // One medium node is 0.192 × 720 = 138.24 a month.
        var pool = Pool("us-east", budget: new PoolBudget(100m, "USD", 0.8));

        var plan = Plan(Workload(), [pool]);

        Assert.False(plan.Placed);
        Assert.Empty(plan.Shares);
        Assert.Equal("us-east: over budget: the pool's projected month would be 138.24 USD, above budget.maxMonthlyCost 100.00 USD",
            Assert.Single(plan.Rejected).ToString());
        Assert.Equal(FleetPlanMessages.NoCandidatePools(1), plan.Reason);
    }

    [Fact]
    public void Plan_BudgetRunsOutPartWay_SpillsToTheNextPool()
    {
        // Budget for exactly one node (138.24): the third replica would need a second node.
        var pools = new[] { Pool("a", budget: new PoolBudget(150m, "USD", 0.8)), Pool("b") };
        var policy = Policy(clusterPolicy: Clusters(threshold: 1.0));

        var plan = Plan(Workload(3), pools, [policy]);

        Assert.True(plan.Placed, plan.Reason);
        Assert.Equal([("a", 2), ("b", 1)], PerPool(plan));
    }

    [Fact]
    public void Plan_MaxNodesReached_RejectsPoolWithCapacityReason()
    {
        var pool = Pool("us-east", capacity: new PoolCapacity(2, null, null));

        var plan = Plan(Workload(), [pool], clusters: [Cluster("us-east-aaaa", "us-east", 2, 8)]);

        Assert.False(plan.Placed);
        Assert.Equal("us-east: capacity: 2 nodes + 1 would pass capacity.maxNodes 2", Assert.Single(plan.Rejected).ToString());
    }

    [Fact]
    public void Plan_ExistingClusters_PicksTheFullerOneBelowThreshold()
    {
        var clusters = new[] { Cluster("us-east-aaaa", "us-east", 4, 4), Cluster("us-east-bbbb", "us-east", 4, 8) };

        var plan = Plan(Workload(), [Pool("us-east")], [Policy(clusterPolicy: Clusters(threshold: 0.8))], clusters);

        var share = Assert.Single(plan.Shares);
        Assert.Equal(new PlannedCluster("us-east", "us-east-bbbb", "medium", 4, 4), share.Cluster);
    }

    [Fact]
    public void Plan_ClusterPastThreshold_GrowsItWithinMaxNodes()
    {
        // 1 node, 2 of 4 cores used: another 2 makes it full (1.0 > 0.8), a second node brings it to 0.5.
        var plan = Plan(Workload(), [Pool("us-east")], [Policy(clusterPolicy: Clusters(maxNodes: 3))], [Cluster("us-east-aaaa", "us-east", 1, 2)]);

        var share = Assert.Single(plan.Shares);
        Assert.Equal(new PlannedCluster("us-east", "us-east-aaaa", "medium", 1, 2), share.Cluster);
        Assert.Equal(1, share.Cluster.NodesToAdd);
    }

    [Fact]
    public void Plan_ClusterAtMaxNodes_CreatesANewClusterOfMinNodes()
    {
        var plan = Plan(Workload(), [Pool("us-east")], [Policy(clusterPolicy: Clusters(minNodes: 3, maxNodes: 1))], [Cluster("us-east-aaaa", "us-east", 1, 2)]);

        var share = Assert.Single(plan.Shares);
        Assert.True(share.Cluster.IsNew);
        Assert.Equal(3, share.Cluster.NodesAfter);
    }

    [Fact]
    public void Plan_DrainingCluster_TakesNoReplicas()
    {
        var plan = Plan(Workload(), [Pool("us-east")], clusters: [Cluster("us-east-aaaa", "us-east", 4, 0, Berth.Core.Fleet.FleetClusterPhase.Draining)]);

        Assert.True(Assert.Single(plan.Shares).Cluster.IsNew);
    }

    [Fact]
    public void Plan_LatencyBoundDependency_OutranksCost()
    {
        var cheap = NodeClass("cheap-medium", 4, 16, 0.01m);
        var pools = new[] { Pool("us-east", nodeClasses: ["cheap-medium"]), Pool("eu-west") };
        var database = new DependencyLocation("database", "eu-west", "eu-west-dddd", "eu-west", null);
        var latency = new Dictionary<string, int> { ["database"] = 10 };

        var plan = Plan(Workload(latency: latency), pools, [Policy(preferences: [CheapestFirst])],
            clusters: [Cluster("eu-west-dddd", "eu-west", 2, 1)], dependencies: [database], classes: [Medium, cheap]);

        var share = Assert.Single(plan.Shares);
        Assert.Equal("eu-west-dddd", share.Cluster.Name);
        Assert.Equal(3, plan.Ranking[0].Proximity);
        Assert.Contains(plan.Rejected, r => r.Pool == "us-east" && r.Phase == FleetPlanPhase.Ranking);
    }

    [Theory]
    [InlineData(SortOrder.Ascending, "small-pool")]
    [InlineData(SortOrder.Descending, "big-pool")]
    public void Plan_AvailableCapacityPreference_RanksByCoresLeft(SortOrder order, string expected)
    {
        var pools = new[] { Pool("big-pool", capacity: new PoolCapacity(10, null, null)), Pool("small-pool", capacity: new PoolCapacity(2, null, null)) };

        var plan = Plan(Workload(), pools, [Policy(preferences: [new PolicyPreference(30, PoolSortKey.AvailableCapacity, order)])]);

        Assert.Equal(expected, Assert.Single(plan.Shares).Pool);
    }

    [Fact]
    public void Plan_MinRegionsWithoutRequiredRegions_SpansThatManyRegions()
    {
        var pools = new[] { Pool("a", region: "us-east"), Pool("b", region: "us-east"), Pool("c", region: "eu-west") };

        var plan = Plan(Workload(2), pools, [Policy(minRegions: 2)]);

        Assert.Equal(["eu-west", "us-east"], plan.Shares.Select(s => s.Region).Distinct().Order());
    }

    [Fact]
    public void Plan_FewerReplicasThanRequiredRegions_IsRefused()
    {
        var plan = Plan(Workload(1, requiredRegions: ["us-east", "eu-west"]), [Pool("us-east"), Pool("eu-west")]);

        Assert.False(plan.Placed);
        Assert.Equal(FleetPlanMessages.TooFewReplicas(1, 2), plan.Reason);
    }

    [Fact]
    public void Plan_RequiredRegionWithoutQualifyingPool_NamesTheRegionAndWhy()
    {
        var plan = Plan(Workload(2, requiredRegions: ["us-east", "ap-south"], compliance: ["gdpr"]),
            [Pool("us-east", compliance: ["gdpr"]), Pool("ap-south")]);

        Assert.False(plan.Placed);
        Assert.Equal("placement.requiredRegions names ap-south but no pool there can take a replica (ap-south: no gdpr compliance label)", plan.Reason);
    }

    [Fact]
    public void Plan_SpreadByRegion_KeepsSkewWithinMax()
    {
        var pools = new[] { Pool("us-east"), Pool("eu-west") };

        var plan = Plan(Workload(5), pools, [Policy(minRegions: 2, spread: new FleetSpreadConstraint("region", 1))]);

        var counts = PerPool(plan).Select(p => p.Replicas).ToArray();
        Assert.Equal(5, counts.Sum());
        Assert.True(Math.Abs(counts[0] - counts[1]) <= 1);
    }

    [Fact]
    public void Plan_NotAFleetWorkload_Throws()
    {
        var workload = Workload() with { Placement = null };

        Assert.Throws<ArgumentException>(() => Plan(workload, [Pool("us-east")]));
    }

    [Fact]
    public void Plan_SameRequestTwice_GivesTheSamePlan()
    {
        var pools = new[] { Pool("us-east"), Pool("eu-west"), Pool("ap-south") };
        var policy = Policy(minRegions: 2, preferences: [CheapestFirst]);

        var first = Plan(Workload(4), pools, [policy]);
        var second = Plan(Workload(4), pools, [policy]);

        Assert.Equal(first.Shares, second.Shares);
        Assert.Equal(first.Reason, second.Reason);
    }
}
