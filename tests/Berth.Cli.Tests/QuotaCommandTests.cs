using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests;

/// <summary><c>berth apply</c>, <c>get quotas</c> and <c>scale</c> with a quota, against a real server on 127.0.0.1:0.</summary>
public sealed class QuotaCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("berth-quota-").FullName;
    private ServerHost? _host;

    private ServerHost Host => _host ?? throw new InvalidOperationException("host not started");

    public async Task InitializeAsync() => _host = await ServerHost.StartAsync(
        new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = Path.Combine(_dir, "data"), LoopInterval = TimeSpan.FromMilliseconds(200) },
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
        int code = Program.Run([.. args, "--server", Host.Address.ToString()], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Example()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Berth.slnx")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir!.FullName, "examples", "quotas", "team-a.yaml");
    }

    [Fact]
    public void GetQuotas_AfterApply_ShowsUseAgainstLimits_AndScalePastTheCeilingIsRefused()
    {
        var apply = Cli("apply", "-f", Example());
        Assert.True(apply.Code == 0, apply.Err);

        var table = Cli("get", "quotas");
        var json = Cli("get", "quotas", "-o", "json");
        var over = Cli("scale", "workload", "team-a/ticker", "--replicas", "6");
        var exact = Cli("scale", "workload", "team-a/ticker", "--replicas", "5");

        Assert.Equal(0, table.Code);
        var lines = table.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAMESPACE", "QUOTA", "RESOURCE", "USED", "HARD", "SOFT", "BURST", "CEILING"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["team-a", "compute", "cpu", "1200m", "2", "1", "1500m", "(+50%)"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"burstCeiling\": \"1500m\"", json.Out, StringComparison.Ordinal);
        Assert.Equal(2, over.Code);
        Assert.Contains("quota team-a/compute refuses cpu: used 1200m + requested 600m is over the burst ceiling", over.Err, StringComparison.Ordinal);
        Assert.Equal(0, exact.Code);
    }
}
