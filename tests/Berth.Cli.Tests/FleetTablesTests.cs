using System.Text.Json;
using Berth.Cli.Commands.Describe;
using Berth.Cli.Commands.Get;
using Berth.Scheduling.Fleet;
using Berth.Server.Api;
using Berth.Server.Fleet;

namespace Berth.Cli.Tests;

public class FleetTablesTests
{
    [Fact]
    public void PoolTable_PoolWithLimitsAndBudget_ShowsUseAgainstCapacityAndBudget()
    {
        var pools = new[]
        {
            new FleetPoolView("us-east", "us-east", "local", 1, 3, 100, 12, 2000, 48, 8000, 0.576m, 1.5m, 414.72m, 10000m, "USD", 0.041472, false),
            new FleetPoolView("ap-south", "ap-south", "simulated", 0, 0, null, 0, null, 0, null, 0m, 0m, 0m, null, null, 0, false),
        };
        var output = new StringWriter();

        PoolTable.Write(JsonSerializer.Serialize(pools, ApiJson.Info<FleetPoolView[]>()), wide: false, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^us-east\s+us-east\s+local\s+1\s+3/100\s+12/2000\s+0\.58\s+414\.72\s+10000\.00 USD \(4%\)\s+no", lines[1]);
        Assert.Matches(@"^ap-south\s+ap-south\s+simulated\s+0\s+0\s+0\s+0\.00\s+0\.00\s+<none>\s+no", lines[2]);
    }

    [Fact]
    public void FleetDescription_PlacedWorkload_ShowsSharesCostPhaseAndRejectedPools()
    {
        var view = new FleetWorkloadView("default", "api-gateway", "Running",
            [
                new FleetShareView("us-east", "us-east", "us-east-7a3b", "medium", 2, 2, 0.192m, "api-gateway-us-east-7a3b"),
                new FleetShareView("eu-west", "eu-west", "eu-west-2c1d", "medium", 1, 1, 0.096m, "api-gateway-eu-west-2c1d"),
            ],
            3, 3, 0.288m, 1.5m, 207.36m, new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero),
            "Placed in us-east (2) and eu-west (1) per requiredRegions [us-east, eu-west]",
            [new FleetRejection("ap-south", "ap-south", FleetPlanPhase.Pools, "no gdpr compliance label")], ["production-policy"]);
        var output = new StringWriter();

        FleetDescription.Write(view, output);

        var text = output.ToString();
        Assert.Contains("Phase:          Running", text, StringComparison.Ordinal);
        Assert.Contains("Health:         3/3 running", text, StringComparison.Ordinal);
        Assert.Matches(@"us-east\s+us-east\s+us-east-7a3b\s+medium\s+2\s+2\s+0\.192\s+api-gateway-us-east-7a3b", text);
        Assert.Contains("Total cost:     0.288/h, this month 1.50, projected 30 days 207.36", text, StringComparison.Ordinal);
        Assert.Contains("    ap-south: no gdpr compliance label", text, StringComparison.Ordinal);
    }
}
