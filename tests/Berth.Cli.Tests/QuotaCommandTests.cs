using Berth.Cli.Tests.Fixtures;
using Berth.Server.Hosting;

namespace Berth.Cli.Tests;

/// <summary><c>berth apply</c>, <c>get quotas</c> and <c>scale</c> with a quota, against a real server on 127.0.0.1:0.</summary>
public sealed class QuotaCommandTests : RunningServerCliTests
{
    protected override ServerOptions Options(ServerOptions defaults) => defaults with { LoopInterval = TimeSpan.FromMilliseconds(200) };

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
