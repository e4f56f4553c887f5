using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using static Berth.Scheduling.Tests.Fleet.FleetFixtures;

namespace Berth.Scheduling.Tests.Fleet;

public class FleetPoolUsageTests
{
    [Fact]
    public void Of_ClustersOfThePool_SumsNodesCostAndBudgetShare()
    {
        var pool = Pool("us-east", budget: new PoolBudget(300m, "USD", 0.8));
        var clusters = new[] { Cluster("us-east-aaaa", "us-east", 2, 0).Cluster, Cluster("eu-west-bbbb", "eu-west", 5, 0).Cluster };
        var now = DateTimeOffset.UnixEpoch.AddHours(10);

        var usage = FleetPoolUsage.Of(pool, clusters, new Dictionary<string, NodeClassSpec> { ["medium"] = Medium }, now);

        Assert.Equal((1, 2, 8, 32), (usage.Clusters, usage.Nodes, usage.Cores, usage.MemoryGi));
        Assert.Equal(0.384m, usage.HourlyCost);
        Assert.Equal(3.84m, usage.CurrentMonthCost);
        Assert.Equal(276.48m, usage.Projected30DayCost);
        Assert.True(usage.PastAlertThreshold(pool));
        var roomy = pool with { Budget = new PoolBudget(1000m, "USD", 0.8) };
        Assert.False(FleetPoolUsage.Of(roomy, clusters, new Dictionary<string, NodeClassSpec> { ["medium"] = Medium }, now).PastAlertThreshold(roomy));
    }
}
