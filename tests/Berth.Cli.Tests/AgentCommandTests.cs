using Berth.Agent;
using Berth.Cli.Commands.Agent;

namespace Berth.Cli.Tests;

/// <summary><c>berth agent</c>: the command line only (running agents are tested in Berth.Agent.Tests).</summary>
public sealed class AgentCommandTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Root_HasAgent() => Assert.Contains(Program.CreateRootCommand().Subcommands, c => c.Name == "agent");

    [Fact]
    public void Agent_WithoutServer_ExitsWithUsageError()
    {
        var (code, _, error) = Run("agent", "--name", "n1");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--server", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad capacity", "--capacity", "memory=lots", "error: --capacity memory=lots is not a valid quantity")]
    [InlineData("label without =", "--labels", "zone", "error: --labels entry 'zone' is not key=value")]
    public void Agent_MalformedList_ExitsWithUsageErrorNamingIt(string name, string option, string value, string expected)
    {
        _ = name;
        var (code, _, error) = Run("agent", "--server", "http://127.0.0.1:1", "--name", "n1", option, value);

        Assert.Equal(Program.UsageError, code);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_MalformedStopGrace_ExitsWithUsageErrorNamingIt()
    {
        var (code, _, error) = Run("agent", "--server", "http://127.0.0.1:1", "--name", "n1", "--stop-grace", "soon");

        Assert.NotEqual(0, code);
        Assert.Contains("--stop-grace", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_InvalidNodeName_ExitsWithUsageError()
    {
        var (code, _, error) = Run("agent", "--server", "http://127.0.0.1:1", "--name", "Not_Valid");

        Assert.Equal(Program.UsageError, code);
        Assert.StartsWith("error: --name 'Not_Valid' is not a valid node name", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_LabelsAndCapacity_AreParsed()
    {
        var options = AgentCommand.Options("http://127.0.0.1:7070", "n1", "zone=z1, tier=gpu", "cpu=4,memory=8Gi");

        Assert.Equal(new Dictionary<string, string> { ["zone"] = "z1", ["tier"] = "gpu" }, options.Labels);
        Assert.Equal("8Gi", options.CapacityOverride["memory"]);
        Assert.Equal(TimeSpan.FromSeconds(2), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.PollInterval);
        options.Validate();
    }

    [Fact]
    public void Agent_ServerNotListening_ExitsWithUsageErrorInOneLine()
    {
        // A port that was free a moment ago: nothing listens there.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = $"http://127.0.0.1:{port}/";

        var (code, _, error) = Run("agent", "--server", server, "--name", "n1", "--capacity", "cpu=1,memory=1Gi");

        Assert.Equal(Program.UsageError, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var example = AgentMessages.ServerUnreachable(server, "REASON");
        Assert.StartsWith("error: " + example[..example.IndexOf("REASON", StringComparison.Ordinal)], line, StringComparison.Ordinal);
        Assert.EndsWith(example[(example.IndexOf("REASON", StringComparison.Ordinal) + "REASON".Length)..], line.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_ServerListWithEmptyEntry_ExitsWithUsageErrorNamingServer()
    {
        var (code, _, error) = Run("agent", "--server", "http://127.0.0.1:1,,http://127.0.0.1:2", "--name", "n1");

        Assert.Equal(Program.UsageError, code);
        Assert.StartsWith("error: --server 'http://127.0.0.1:1,,http://127.0.0.1:2' has an empty entry", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_ServerListWithBadUrl_ExitsWithUsageErrorNamingIt()
    {
        var (code, _, error) = Run("agent", "--server", "http://127.0.0.1:1,127.0.0.1:2", "--name", "n1");

        Assert.Equal(Program.UsageError, code);
        Assert.StartsWith("error: --server entry '127.0.0.1:2' is not an http:// or https:// URL", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_TwoServers_KeepsBothInOrder()
    {
        var options = AgentCommand.Options("http://127.0.0.1:7080,http://127.0.0.1:7090", "n1", null, null);

        Assert.Equal([new Uri("http://127.0.0.1:7080/"), new Uri("http://127.0.0.1:7090/")], options.Servers);
    }

    [Theory]
    [InlineData("flag wins", "http://a:1", "http://b:1", "http://a:1", "--server")]
    [InlineData("environment", null, "http://b:1,http://c:1", "http://b:1,http://c:1", "BERTH_ADDR")]
    public void ServerText_FlagElseEnvironment_SaysWhereFrom(string name, string? flag, string? environment, string text, string source)
    {
        _ = name;
        Assert.Equal((text, source), AgentCommand.ServerText(flag, v => v == "BERTH_ADDR" ? environment : null));
    }

    [Fact]
    public void ServerText_Neither_NamesServerAndTheVariable()
    {
        var error = Assert.Throws<ArgumentException>(() => AgentCommand.ServerText(null, _ => null));

        Assert.StartsWith("--server is required (or set BERTH_ADDR)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_FromEnvironmentWithBadEntry_NamesTheVariable()
    {
        var error = Assert.Throws<ArgumentException>(() => AgentCommand.Options("http://a:1,", "n1", null, null, serverSource: "BERTH_ADDR"));

        Assert.StartsWith("BERTH_ADDR 'http://a:1,' has an empty entry", error.Message, StringComparison.Ordinal);
    }
}
