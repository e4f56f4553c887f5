using Berth.Cli.Commands.Client;
using Berth.Cli.Commands.Node;

namespace Berth.Cli.Tests;

/// <summary>Parsing of scale, stop, start, node and plan (no server involved).</summary>
public sealed class OperatorParserTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Scale_ReplicasAndNamespace_Parse()
    {
        var result = Program.CreateRootCommand().Parse(["scale", "workload", "web", "--replicas", "3", "-n", "team-a"]);

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.GetValue<int>("--replicas"));
        Assert.Equal("team-a", result.GetValue<string?>("--namespace"));
    }

    [Fact]
    public void Scale_WithoutReplicas_ExitsTwoNamingTheOption()
    {
        var (code, _, err) = Cli("scale", "workload", "web");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--replicas", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Scale_NegativeReplicas_ExitsTwoWithMessage()
    {
        var (code, _, err) = Cli("scale", "workload", "web", "--replicas", "-2", "--server", "http://127.0.0.1:1");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(ClientMessages.NegativeReplicas(-2), err, StringComparison.Ordinal);
    }

    [Fact]
    public void Scale_ReplicasNotANumber_ExitsTwo()
    {
        var (code, _, err) = Cli("scale", "workload", "web", "--replicas", "many");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("many", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scale")]
    [InlineData("scale workload")]
    [InlineData("stop workload")]
    [InlineData("start workload")]
    [InlineData("node cordon")]
    [InlineData("node uncordon")]
    [InlineData("node drain")]
    [InlineData("node")]
    [InlineData("plan")]
    public void MissingArgument_ExitsTwo(string line)
    {
        var (code, _, err) = Cli(line.Split(' '));

        Assert.Equal(Program.UsageError, code);
        Assert.StartsWith("error:", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Drain_TimeoutDefaultsToTwoMinutes()
    {
        var result = Program.CreateRootCommand().Parse(["node", "drain", "n1"]);

        Assert.Empty(result.Errors);
        Assert.Equal(TimeSpan.FromMinutes(2), result.GetValue<TimeSpan>("--timeout"));
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("1.5m", 90)]
    public void Drain_Timeout_Parses(string text, int seconds)
    {
        var result = Program.CreateRootCommand().Parse(["node", "drain", "n1", "--timeout", text]);

        Assert.Empty(result.Errors);
        Assert.Equal(TimeSpan.FromSeconds(seconds), result.GetValue<TimeSpan>("--timeout"));
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("-1m")]
    [InlineData("2")]
    [InlineData("2d")]
    [InlineData("m")]
    public void Drain_BadTimeout_ExitsTwoNamingTheOption(string text)
    {
        var (code, _, err) = Cli("node", "drain", "n1", "--timeout", text);

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(ClientMessages.BadTimeout(text), err, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseDuration_Whitespace_Refused() => Assert.False(NodeCommand.TryParseDuration(" 2m", out _));

    [Fact]
    public void Plan_OutputOption_Parses()
    {
        var result = Program.CreateRootCommand().Parse(["plan", "-f", "x.yaml", "-o", "yaml"]);

        Assert.Empty(result.Errors);
        Assert.Equal(Berth.Cli.Commands.OutputFormat.Yaml, result.GetValue<Berth.Cli.Commands.OutputFormat>("--output"));
    }

    [Fact]
    public void Root_HasOperatorVerbs()
    {
        var names = Program.CreateRootCommand().Subcommands.Select(c => c.Name).ToList();

        Assert.Superset(new HashSet<string> { "scale", "stop", "start", "node", "plan" }, names.ToHashSet());
    }
}
