using System.Net;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Server.Leadership;
using Berth.Server.Observability;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Leadership;

/// <summary>A single server on the embedded store elects itself, registers, and says so in /v1/servers, /readyz and /metrics.</summary>
public sealed class ServerLeadershipTests
{
    [Fact]
    public async Task StartAsync_SingleServer_LeadsAndListsItselfAsLeader()
    {
        await using var server = await RunningServer.StartAsync(options => options with { ServerId = "solo" });

        var servers = await RunningServer.WaitForAsync(
            async () => BerthClientJson<ServersResponse>(await server.GetTextAsync("v1/servers")),
            s => s.Servers.Length == 1 && s.Leader == "solo",
            "the server to register and lead");

        var only = servers.Servers[0];
        Assert.Equal(("solo", LeadershipMessages.LeaderRole), (only.Id, only.Role));
        Assert.Equal(server.Host.Address.ToString(), only.ApiAddress);
        Assert.Equal(server.Host.GrpcAddress.ToString(), only.GrpcAddress);
        Assert.True(servers.Term > 0);
        Assert.True(server.Host.Election.IsLeader);
        Assert.Equal(servers.Term, server.Host.Election.Current!.Revision);
    }

    [Fact]
    public async Task Readyz_Leader_SaysRoleAndLeader()
    {
        await using var server = await RunningServer.StartAsync(options => options with { ServerId = "solo" });

        var ready = await RunningServer.WaitForAsync(
            async () =>
            {
                using var response = await server.Http.GetAsync(server.Url("readyz"));
                return (response.StatusCode, Text: await response.Content.ReadAsStringAsync());
            },
            r => r.StatusCode == HttpStatusCode.OK,
            "/readyz to answer 200");

        var health = BerthClientJson<HealthResponse>(ready.Text);
        Assert.Equal(("ok", "leader", "solo"), (health.Status, health.Role, health.Leader));
    }

    [Fact]
    public async Task Metrics_Leader_ReportsLeaderGaugeOne()
    {
        await using var server = await RunningServer.StartAsync();

        var text = await RunningServer.WaitForAsync(
            () => server.GetTextAsync("metrics"),
            t => t.Contains(BerthMetrics.LeaderGauge + " 1", StringComparison.Ordinal),
            "berth_leader 1");

        Assert.Contains("# TYPE " + BerthMetrics.LeaderGauge + " gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NoServerId_UsesHostNameAndApiPort()
    {
        await using var server = await RunningServer.StartAsync();

        var servers = await RunningServer.WaitForAsync(
            async () => BerthClientJson<ServersResponse>(await server.GetTextAsync("v1/servers")),
            s => s.Servers.Length == 1,
            "the server to register");

        Assert.Equal(ServerIds.Default(Environment.MachineName, server.Host.Address.Port), servers.Servers[0].Id);
        Assert.EndsWith("-" + server.Host.Address.Port, servers.Servers[0].Id, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("has_underscore")]
    [InlineData("")]
    public void Validate_BadServerId_NamesTheOption(string id)
    {
        var e = Assert.Throws<ServerOptionsException>(new ServerOptions { ServerId = id }.Validate);

        Assert.StartsWith($"--server-id '{id}' is not a valid server id", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(0)]
    [InlineData(600_000)]
    public void Validate_LeaderLeaseOutOfRange_NamesTheOption(int milliseconds)
    {
        var e = Assert.Throws<ServerOptionsException>(new ServerOptions { LeaderLease = TimeSpan.FromMilliseconds(milliseconds) }.Validate);

        Assert.StartsWith("--leader-lease ", e.Message, StringComparison.Ordinal);
        Assert.Contains("between 1s", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("box", 7070, "box-7070")]
    [InlineData("Build_Box.Example", 1, "build-box-example-1")]
    [InlineData("___", 2, "server-2")]
    public void Default_HostName_BecomesAValidId(string host, int port, string expected)
    {
        var id = ServerIds.Default(host, port);

        Assert.Equal(expected, id);
        Assert.Null(ServerIds.Validate(id));
    }

    private static T BerthClientJson<T>(string json) =>
        System.Text.Json.JsonSerializer.Deserialize(json, ApiJson.Info<T>()) ?? throw new InvalidOperationException("null answer");
}
