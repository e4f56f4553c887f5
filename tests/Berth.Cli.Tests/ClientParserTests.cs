using Berth.Cli.Commands;
using Berth.Cli.Commands.Client;

namespace Berth.Cli.Tests;

/// <summary>Parsing of the client verbs (no server involved).</summary>
public sealed class ClientParserTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("get nodes", OutputFormat.Table)]
    [InlineData("get workloads -o wide", OutputFormat.Wide)]
    [InlineData("get replicas -o json", OutputFormat.Json)]
    [InlineData("get events --output yaml", OutputFormat.Yaml)]
    public void Get_OutputOption_ParsesWithTableDefault(string line, OutputFormat expected)
    {
        var result = Program.CreateRootCommand().Parse(line.Split(' '));

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.GetValue<OutputFormat>("--output"));
    }

    [Fact]
    public void Get_UnknownResource_ExitsTwoNamingTheResource()
    {
        var (code, _, err) = Cli("get", "pods");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(ClientMessages.UnknownResource("pods"), err, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_BadOutput_ExitsTwoNamingTheOption()
    {
        var (code, _, err) = Cli("get", "nodes", "-o", "xml");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--output 'xml'", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_WatchOnWorkloads_ExitsTwo()
    {
        var (code, _, err) = Cli("get", "workloads", "-w");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(ClientMessages.WatchOnlyEvents, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_WatchOnEvents_Parses()
    {
        var result = Program.CreateRootCommand().Parse(["get", "events", "-w", "--server", "http://127.0.0.1:1"]);

        Assert.Empty(result.Errors);
        Assert.True(result.GetValue<bool>("--watch"));
        Assert.Equal("http://127.0.0.1:1", result.GetValue<string?>("--server"));
    }

    [Fact]
    public void Apply_WithoutFile_ExitsTwoNamingTheOption()
    {
        var (code, _, err) = Cli("apply");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--file", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_MissingFile_ExitsTwoNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "berth-missing-" + Guid.NewGuid().ToString("N") + ".yaml");

        var (code, _, err) = Cli("apply", "-f", path, "--server", "http://127.0.0.1:1");

        Assert.Equal(Program.UsageError, code);
        Assert.Equal($"error: {ClientMessages.FileNotFound(path)}", err.Trim());
    }

    [Theory]
    [InlineData("describe")]
    [InlineData("describe workload")]
    [InlineData("describe node")]
    [InlineData("delete workload")]
    [InlineData("delete")]
    public void MissingArgument_ExitsTwo(string line)
    {
        var (code, _, err) = Cli(line.Split(' '));

        Assert.Equal(Program.UsageError, code);
        Assert.StartsWith("error:", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Delete_NamespaceOption_Parses()
    {
        var result = Program.CreateRootCommand().Parse(["delete", "workload", "web", "-n", "team-a"]);

        Assert.Empty(result.Errors);
        Assert.Equal("team-a", result.GetValue<string?>("--namespace"));
    }

    [Theory]
    [InlineData("web", null, "default", "web")]
    [InlineData("web", "team-a", "team-a", "web")]
    [InlineData("team-a/web", null, "team-a", "web")]
    [InlineData("team-a/web", "team-a", "team-a", "web")]
    public void WorkloadReference_Parse_NameOrNamespaceSlashName(string text, string? ns, string expectedNs, string expectedName)
    {
        var reference = WorkloadReference.Parse(text, ns);

        Assert.Equal(new WorkloadReference(expectedNs, expectedName), reference);
    }

    [Theory]
    [InlineData("a/b/c", null)]
    [InlineData("/web", null)]
    [InlineData("team-a/web", "team-b")]
    public void WorkloadReference_Parse_BadInput_ThrowsUsageError(string text, string? ns)
    {
        var e = Assert.Throws<ClientException>(() => WorkloadReference.Parse(text, ns));

        Assert.Equal(Program.UsageError, e.ExitCode);
    }

    [Fact]
    public void Delete_ConflictingNamespace_ExitsTwo()
    {
        var (code, _, err) = Cli("delete", "workload", "a/web", "-n", "b", "--server", "http://127.0.0.1:1");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(ClientMessages.NamespaceConflict("a/web", "b"), err, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_NonHttpScheme_ExitsTwo()
    {
        var (code, _, err) = Cli("get", "nodes", "--server", "ftp://127.0.0.1:7070");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(ClientMessages.BadAddress("ftp://127.0.0.1:7070", "--server"), err, StringComparison.Ordinal);
    }

    [Fact]
    public void Root_HasClientVerbs()
    {
        var names = Program.CreateRootCommand().Subcommands.Select(c => c.Name).ToList();

        Assert.Contains("apply", names);
        Assert.Contains("get", names);
        Assert.Contains("describe", names);
        Assert.Contains("delete", names);
    }
}
