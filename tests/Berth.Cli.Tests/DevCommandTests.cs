using Berth.Cli.Commands;
using Berth.Cli.Commands.Agent;
using Berth.Cli.Commands.Dev;
using Berth.Cli.Commands.Server;

namespace Berth.Cli.Tests;

/// <summary><c>berth dev</c>'s command line and the duration options it brought (running clusters are tested in Berth.EndToEnd.Tests).</summary>
public sealed class DevCommandTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Root_HasDev() => Assert.Contains(Program.CreateRootCommand().Subcommands, c => c.Name == "dev");

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Dev_PortOutOfRange_ExitsWithUsageErrorNamingIt(int port)
    {
        var (code, output, error) = Run("dev", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(Program.UsageError, code);
        Assert.Equal($"error: {DevMessages.BadPort(port)}", error.Trim());
        Assert.Empty(output);
    }

    [Fact]
    public void AgentArguments_Zone_LabelsTheNodeWithTheWellKnownZoneKeyAndAnExplicitCapacity()
    {
        var arguments = DevCommand.AgentArguments(new Uri("http://127.0.0.1:7070/"), "dev-2", "zone-b");

        Assert.Equal(
            ["--server", "http://127.0.0.1:7070/", "--name", "dev-2", "--labels", "topology.kubernetes.io/zone=zone-b", "--capacity", DevOptions.AgentCapacity, "--exit-with-stdin"],
            arguments);
    }

    [Fact]
    public void BerthExecutable_UnderDotnet_PassesTheAssemblyFirstAndShowsItRelative()
    {
        var executable = new BerthExecutable("/usr/bin/dotnet", ["/repo/src/bin/berth.dll"]);

        var info = executable.StartInfo(["agent", "--name", "n1"]);

        Assert.Equal("/usr/bin/dotnet", info.FileName);
        Assert.Equal(["/repo/src/bin/berth.dll", "agent", "--name", "n1"], info.ArgumentList);
        Assert.Equal("dotnet src/bin/berth.dll", executable.DisplayName("/repo", null));
    }

    [Fact]
    public void BerthExecutable_Apphost_ShowsItsPathOutsideTheWorkingDirectory()
    {
        var executable = new BerthExecutable("/opt/berth/berth", []);

        Assert.Equal("/opt/berth/berth", executable.DisplayName("/home/me", "/nowhere"));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("1h", 3_600_000)]
    public void DurationOption_NumberWithUnit_Parses(string text, int milliseconds)
    {
        Assert.True(DurationOption.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("2 seconds")]
    public void DurationOption_NoUnitOrNotPositive_IsRefused(string text) => Assert.False(DurationOption.TryParse(text, out _));

    [Fact]
    public void Server_BadHeartbeatGrace_ExitsWithUsageErrorNamingIt()
    {
        var (code, _, error) = Run("server", "--heartbeat-grace", "0s");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(OptionMessages.BadDuration("--heartbeat-grace", "0s"), error, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_BadHeartbeatInterval_ExitsWithUsageErrorNamingIt()
    {
        var (code, _, error) = Run("agent", "--server", "http://127.0.0.1:1", "--name", "n1", "--heartbeat-interval", "soon");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(OptionMessages.BadDuration("--heartbeat-interval", "soon"), error, StringComparison.Ordinal);
    }

    [Fact]
    public void AgentOptions_Intervals_ReplaceTheDefaults()
    {
        var options = AgentCommand.Options("http://127.0.0.1:1", "n1", null, null, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(200));

        Assert.Equal(TimeSpan.FromMilliseconds(300), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.PollInterval);
    }

    [Fact]
    public void NodeOptions_ShortGraces_CheckIntervalHalfTheShorterAndValid()
    {
        var options = ServerCommand.NodeOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(2), options.HeartbeatGrace);
        Assert.Equal(TimeSpan.FromSeconds(3), options.LostGrace);
        Assert.Equal(TimeSpan.FromSeconds(1), options.CheckInterval);
        options.Validate();
    }

    [Fact]
    public void NodeOptions_NoneGiven_AreTheDefaults() =>
        Assert.Equal(new Berth.Server.Nodes.NodeManagerOptions(), ServerCommand.NodeOptions(null, null));
}
