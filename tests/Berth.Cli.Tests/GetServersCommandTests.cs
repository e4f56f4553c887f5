using System.Text.RegularExpressions;
using Berth.Cli.Tests.Fixtures;
using Berth.Server.Hosting;

namespace Berth.Cli.Tests;

/// <summary><c>berth get servers</c> against a running server on the embedded store, which leads alone.</summary>
public sealed class GetServersCommandTests : RunningServerCliTests
{
    protected override ServerOptions Options(ServerOptions defaults) => defaults with { ServerId = "solo" };

    [Fact]
    public void GetServers_Table_ListsTheServerAsLeader()
    {
        var (code, output, error) = Cli("get", "servers");

        Assert.True(code == 0, error);
        Assert.Matches(@"NAME\s+API\s+GRPC\s+ROLE\s+SINCE", output);
        Assert.Matches($@"solo\s+{Regex.Escape(Host.Address.ToString())}\s+{Regex.Escape(Host.GrpcAddress.ToString())}\s+leader\s+\d{{4}}-", output);
    }

    [Fact]
    public void GetServers_Wide_AddsTheLeadersTerm()
    {
        var (code, output, _) = Cli("get", "servers", "-o", "wide");

        Assert.Equal(0, code);
        Assert.Matches($@"TERM\s*\n.*solo.*leader\s+\S+\s+{Host.Election.Current!.Revision}", output);
    }

    [Fact]
    public void GetServers_Json_HasLeaderAndTerm()
    {
        var (code, output, _) = Cli("get", "servers", "-o", "json");

        Assert.Equal(0, code);
        Assert.Contains("\"leader\": \"solo\"", output, StringComparison.Ordinal);
        Assert.Contains("\"role\": \"leader\"", output, StringComparison.Ordinal);
    }
}
