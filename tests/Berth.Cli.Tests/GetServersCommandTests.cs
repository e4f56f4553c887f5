using System.Text.RegularExpressions;
using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests;

/// <summary><c>berth get servers</c> against a running server on the embedded store, which leads alone.</summary>
public sealed class GetServersCommandTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "berth-cli-servers-" + Guid.NewGuid().ToString("N"));
    private ServerHost? _host;

    public async Task InitializeAsync() =>
        _host = await ServerHost.StartAsync(
            new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = Path.Combine(_dir, "data"), ServerId = "solo" },
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
    public void GetServers_Table_ListsTheServerAsLeader()
    {
        var (code, output, error) = Cli("get", "servers");

        Assert.True(code == 0, error);
        Assert.Matches(@"NAME\s+API\s+GRPC\s+ROLE\s+SINCE", output);
        Assert.Matches($@"solo\s+{Regex.Escape(_host!.Address.ToString())}\s+{Regex.Escape(_host.GrpcAddress.ToString())}\s+leader\s+\d{{4}}-", output);
    }

    [Fact]
    public void GetServers_Wide_AddsTheLeadersTerm()
    {
        var (code, output, _) = Cli("get", "servers", "-o", "wide");

        Assert.Equal(0, code);
        Assert.Matches($@"TERM\s*\n.*solo.*leader\s+\S+\s+{_host!.Election.Current!.Revision}", output);
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
