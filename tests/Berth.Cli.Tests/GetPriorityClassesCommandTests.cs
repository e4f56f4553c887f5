using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests;

/// <summary><c>berth apply -f</c> of priority classes and <c>berth get priorityclasses</c> against a running server.</summary>
public sealed class GetPriorityClassesCommandTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "berth-cli-classes-" + Guid.NewGuid().ToString("N"));
    private ServerHost? _host;

    public async Task InitializeAsync()
    {
        _host = await ServerHost.StartAsync(
            new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = Path.Combine(_dir, "data") },
            logging => logging.ClearProviders());
        var manifest = Path.Combine(_dir, "classes.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: berth.dev/v1
            kind: PriorityClass
            metadata: {name: batch}
            spec: {value: 10, preemptionPolicy: Never}
            ---
            apiVersion: berth.dev/v1
            kind: PriorityClass
            metadata: {name: critical}
            spec: {value: 1000, globalDefault: true, description: pages someone}
            """);
        var (code, output, error) = Cli("apply", "-f", manifest);
        Assert.True(code == 0, error);
        Assert.Contains("priorityclass critical created", output, StringComparison.OrdinalIgnoreCase);
    }

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

    [Theory]
    [InlineData("priorityclasses")]
    [InlineData("priorityclass")]
    [InlineData("PriorityClass")]
    public void GetPriorityClasses_Table_ListsHighestValueFirstWithTheirFields(string resource)
    {
        var (code, output, error) = Cli("get", resource);

        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+PREEMPTION\s+DESCRIPTION", lines[0]);
        Assert.Matches(@"^critical\s+1000\s+true\s+PreemptLowerPriority\s+pages someone", lines[1]);
        Assert.Matches(@"^batch\s+10\s+false\s+Never\s+<none>", lines[2]);
    }

    [Fact]
    public void GetPriorityClasses_Json_HasTheSpecs()
    {
        var (code, output, _) = Cli("get", "priorityclasses", "-o", "json");

        Assert.Equal(0, code);
        Assert.Contains("\"globalDefault\": true", output, StringComparison.Ordinal);
        Assert.Contains("\"value\": 10", output, StringComparison.Ordinal);
    }
}
