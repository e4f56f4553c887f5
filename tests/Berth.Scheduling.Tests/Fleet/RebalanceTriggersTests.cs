using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;

namespace Berth.Scheduling.Tests.Fleet;

public class RebalanceTriggersTests
{
    private static readonly ClusterPolicy Consolidating = ClusterPolicy.Default with { Consolidation = new ConsolidationPolicy(true, 0.3) };

    private static PoolSpec Pool(string name, decimal? budget = null, int? maxNodes = null, params string[] compliance) =>
        new(name, name, new PoolProvider(FleetProviderTypes.Simulated, new Dictionary<string, string>()),
            new PoolCapacity(maxNodes, null, null), budget is { } b ? new PoolBudget(b, "USD", 0.8) : null,
            ["medium"], new Dictionary<string, string>(), compliance);

    private static PoolLoad Load(PoolSpec pool, int nodes = 1, decimal hourly = 0m) => new(pool, nodes, nodes * 4, nodes * 16, hourly);

    private static ClusterLoad Cluster(string name, string pool, int nodes, double utilization, ClusterPolicy? policy = null,
        FleetClusterPhase phase = FleetClusterPhase.Ready) =>
        new(new FleetCluster(name, pool, pool, FleetProviderTypes.Simulated, "medium",
            [.. Enumerable.Range(1, nodes).Select(n => $"{name}-{n}")], phase, DateTimeOffset.UnixEpoch), utilization, policy ?? Consolidating);

    private static WorkloadShares Workload(string key, params WorkloadShare[] shares) => new(key, [], 1, shares);

    [Fact]
    public void Detect_ProjectedCostOverBudget_NamesThePoolItsWorkloadsAndTheFigures()
    {
        var pool = Pool("us-east", budget: 100m);
        var triggers = RebalanceTriggers.Detect([Load(pool, hourly: 0.5m)], [],
            [Workload("default/api", new WorkloadShare("us-east-1a2b", "us-east", 2, 2)), Workload("default/other")]);

        var trigger = Assert.Single(triggers);
        Assert.Equal(RebalanceTriggerKind.BudgetExceeded, trigger.Kind);
        Assert.Equal(["default/api"], trigger.Workloads);
        Assert.Equal("pool us-east projects 360.0 USD over 30 days, above its budget of 100 USD", trigger.Reason);
    }

    [Fact]
    public void Detect_ProjectedCostWithinBudget_NoTrigger()
    {
        var pool = Pool("us-east", budget: 400m);
        var triggers = RebalanceTriggers.Detect([Load(pool, hourly: 0.5m)], [],
            [Workload("default/api", new WorkloadShare("us-east-1a2b", "us-east", 2, 2))]);

        Assert.Empty(triggers);
    }

    [Fact]
    public void Detect_PoolAtNodeLimitWithWaitingReplicas_CapacityExhausted()
    {
        var pool = Pool("us-east", maxNodes: 3);
        var triggers = RebalanceTriggers.Detect([Load(pool, nodes: 3)], [],
            [Workload("default/api", new WorkloadShare("us-east-1a2b", "us-east", 5, 3)),
             Workload("default/fine", new WorkloadShare("us-east-1a2b", "us-east", 1, 1))]);

        var trigger = Assert.Single(triggers);
        Assert.Equal(RebalanceTriggerKind.CapacityExhausted, trigger.Kind);
        Assert.Equal(["default/api"], trigger.Workloads);
        Assert.Equal("pool us-east is at its nodes limit (3 of 3) with 2 replica(s) not running", trigger.Reason);
    }

    [Fact]
    public void Detect_PoolFullButEverythingRuns_NoTrigger()
    {
        var pool = Pool("us-east", maxNodes: 3);
        var triggers = RebalanceTriggers.Detect([Load(pool, nodes: 3)], [],
            [Workload("default/api", new WorkloadShare("us-east-1a2b", "us-east", 3, 3))]);

        Assert.Empty(triggers);
    }

    [Fact]
    public void Detect_PoolWithoutARequiredComplianceLabel_ComplianceLostForThatWorkloadOnly()
    {
        var pool = Pool("eu-west", compliance: "soc2");
        var gdpr = new WorkloadShares("default/api", ["gdpr", "soc2"], 1, [new WorkloadShare("eu-west-0001", "eu-west", 2, 2)]);
        var soc2 = new WorkloadShares("default/web", ["soc2"], 1, [new WorkloadShare("eu-west-0001", "eu-west", 2, 2)]);

        var triggers = RebalanceTriggers.Detect([Load(pool)], [], [gdpr, soc2]);

        var trigger = Assert.Single(triggers);
        Assert.Equal(RebalanceTriggerKind.ComplianceLost, trigger.Kind);
        Assert.Equal(["default/api"], trigger.Workloads);
        Assert.Equal("pool eu-west no longer has compliance gdpr required by default/api", trigger.Reason);
    }

    [Fact]
    public void Detect_UnderusedClusterThatFitsIntoAFullerOne_ConsolidatesIntoIt()
    {
        var clusters = new[]
        {
            Cluster("us-east-aaaa", "us-east", nodes: 2, utilization: 0.1),
            Cluster("us-east-bbbb", "us-east", nodes: 2, utilization: 0.5),
            Cluster("us-east-cccc", "us-east", nodes: 2, utilization: 0.4),
        };
        var triggers = RebalanceTriggers.Detect([], clusters,
            [Workload("default/api", new WorkloadShare("us-east-aaaa", "us-east", 1, 1), new WorkloadShare("us-east-bbbb", "us-east", 2, 2))]);

        var trigger = Assert.Single(triggers);
        Assert.Equal(RebalanceTriggerKind.Consolidation, trigger.Kind);
        Assert.Equal("us-east-aaaa", trigger.Cluster);
        Assert.Equal("us-east-bbbb", trigger.Into);
        Assert.Equal(["default/api"], trigger.Workloads);
        Assert.Equal("cluster us-east-aaaa is 10 % used, under the consolidation threshold of 30 %", trigger.Reason);
    }

    [Fact]
    public void Detect_UnderusedClusterThatWouldPushTheOtherPastItsThreshold_NoTrigger()
    {
        var clusters = new[]
        {
            Cluster("us-east-aaaa", "us-east", nodes: 1, utilization: 0.25),
            Cluster("us-east-bbbb", "us-east", nodes: 1, utilization: 0.7),
        };

        Assert.Empty(RebalanceTriggers.Detect([], clusters, []));
    }

    [Fact]
    public void Detect_TwoUnderusedClusters_OnlyTheEmptierDrainsIntoTheOther()
    {
        var clusters = new[]
        {
            Cluster("us-east-aaaa", "us-east", nodes: 1, utilization: 0.2),
            Cluster("us-east-bbbb", "us-east", nodes: 1, utilization: 0.1),
        };

        var trigger = Assert.Single(RebalanceTriggers.Detect([], clusters, []));
        Assert.Equal(("us-east-bbbb", "us-east-aaaa"), (trigger.Cluster, trigger.Into));
    }

    [Theory]
    [InlineData("disabled")]
    [InlineData("other pool")]
    [InlineData("draining target")]
    public void Detect_UnderusedClusterWithNowhereToGo_NoTrigger(string variant)
    {
        var policy = variant == "disabled" ? ClusterPolicy.Default : Consolidating;
        var clusters = new[]
        {
            Cluster("us-east-aaaa", "us-east", nodes: 1, utilization: 0.1, policy),
            Cluster("x-bbbb", variant == "other pool" ? "eu-west" : "us-east", nodes: 1, utilization: 0.5, policy,
                variant == "draining target" ? FleetClusterPhase.Draining : FleetClusterPhase.Ready),
        };

        Assert.Empty(RebalanceTriggers.Detect([], clusters, []));
    }
}
