using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests;

/// <summary>berth rebalance in-process against a real server on 127.0.0.1:0.</summary>
public sealed class RebalanceCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("berth-rebalance-").FullName;
    private ServerHost? _host;

    public async Task InitializeAsync() =>
        _host = await ServerHost.StartAsync(
            new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = Path.Combine(_dir, "data"), FleetRebalanceInterval = TimeSpan.Zero },
            logging => logging.ClearProviders());

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run([.. args, "--server", _host!.Address.ToString()], output, error);
        return (code, output.ToString(), error.ToString());
    }

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
