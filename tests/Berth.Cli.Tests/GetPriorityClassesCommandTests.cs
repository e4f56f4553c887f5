using Berth.Cli.Tests.Fixtures;

namespace Berth.Cli.Tests;

/// <summary><c>berth apply -f</c> of priority classes and <c>berth get priorityclasses</c> against a running server.</summary>
public sealed class GetPriorityClassesCommandTests : RunningServerCliTests
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var manifest = Path.Combine(Dir, "classes.yaml");
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
