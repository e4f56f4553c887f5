using Berth.Cli.Tests.Fixtures;
using Berth.Server.Hosting;

namespace Berth.Cli.Tests;

/// <summary>berth rebalance in-process against a real server on 127.0.0.1:0.</summary>
public sealed class RebalanceCommandTests : RunningServerCliTests
{
    protected override ServerOptions Options(ServerOptions defaults) => defaults with { FleetRebalanceInterval = TimeSpan.Zero };

    [Fact]
    public void Rebalance_NoFleet_SaysNothingToRebalance()
    {
        var (code, output, _) = Cli("rebalance");

        Assert.Equal((0, Commands.Client.ClientMessages.NothingToRebalance), (code, output.Trim()));
    }

    [Fact]
    public void Rebalance_WorkloadThatIsNotAFleetWorkload_ExitsTwoNamingIt()
    {
        var (code, _, error) = Cli("rebalance", "ghost", "-n", "shop");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("workload: shop/ghost is not a fleet workload", error, StringComparison.Ordinal);
    }
}
