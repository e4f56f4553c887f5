using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using static Berth.Scheduling.Tests.Fleet.FleetFixtures;

namespace Berth.Scheduling.Tests.Fleet;

public class FleetCostModelTests
{
    [Theory]
    [InlineData(2, 4, 0.096)] // half the cores
    [InlineData(1, 8, 0.096)] // half the memory
    [InlineData(4, 16, 0.192)] // the whole node
    [InlineData(8, 4, 0.192)] // more than a node is charged as one
    public void ReplicaHourly_LargerShare_IsCharged(double cores, double memoryGi, double expected)
    {
        Assert.Equal((decimal)expected, FleetCostModel.ReplicaHourly(Medium, FleetProviderTypes.Simulated, new FleetResources(cores, memoryGi)));
    }

    [Fact]
    public void ReplicaHourly_ProviderWithoutCost_IsFree()
    {
        Assert.Equal(0m, FleetCostModel.ReplicaHourly(Medium, "aws", new FleetResources(2, 4)));
    }

    [Fact]
    public void Projected30Day_IsSevenHundredTwentyHours()
    {
        Assert.Equal(414.72m, FleetCostModel.Projected30Day(0.576m));
    }

    [Fact]
    public void CurrentMonth_SinceBeforeMonthStart_CountsFromMonthStart()
    {
        var now = new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(48m, FleetCostModel.CurrentMonth(1m, now.AddDays(-30), now));
        Assert.Equal(2m, FleetCostModel.CurrentMonth(1m, now.AddHours(-2), now));
        Assert.Equal(0m, FleetCostModel.CurrentMonth(1m, now.AddHours(1), now));
    }
}
