using System.Text.Json;
using Berth.Cli.Commands;

namespace Berth.Cli.Tests;

public sealed class SimulateCommandTests : IDisposable
{
    private const string Scenario = """
        profile:
          filters: [NodeReady, NodeUnschedulable, NodeResourcesFit]
          scores: [{name: NodeResourcesFit, weight: 1}]
          postFilters: []
          tiebreak: first
        nodes:
          - {name: node-1, allocatable: {cpu: "2", memory: 8Gi}}
          - {name: node-2, allocatable: {cpu: "2", memory: 8Gi}}
          - {name: node-3, allocatable: {cpu: "8", memory: 8Gi}, unschedulable: true}
        workloads:
          - {name: web, replicas: 2, labels: {app: web}, requests: {cpu: "1", memory: 2Gi}}
          - {name: big, requests: {cpu: "4"}}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("berth-simulate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteScenario(string text, string name = "scenario.yaml")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Run_UsesCustomProfilesFromAProfilesFile()
    {
        var profiles = WriteScenario("profiles: [{name: pack, base: binpack, tiebreak: first, postFilters: []}]", "profiles.yaml");
        var scenario = WriteScenario("""
            profile: {name: pack}
            nodes:
              - {name: node-1, allocatable: {cpu: "4", memory: 8Gi}}
              - {name: node-2, allocatable: {cpu: "4", memory: 8Gi}}
            workloads:
              - {name: batch, replicas: 3, requests: {cpu: "1", memory: 1Gi}}
            """);
        var (code, output, err) = Cli("simulate", "-f", scenario, "--profiles", profiles, "-o", "json");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        var nodes = JsonDocument.Parse(output).RootElement.GetProperty("placements").EnumerateArray()
            .Select(p => p.GetProperty("node").GetString()).ToList();
        Assert.Equal(["node-1", "node-1", "node-1"], nodes);
    }

    [Fact]
    public void Run_ExitsTwo_NamingTheProfilesFile_WhenItIsBad()
    {
        var profiles = WriteScenario("profiles: [{name: default}]", "profiles.yaml");
        var scenario = WriteScenario(Scenario);
        var (code, _, err) = Cli("simulate", "-f", scenario, "--profiles", profiles);
        Assert.Equal(2, code);
        Assert.Contains("profiles.yaml: profiles[0].name: 'default' is a built-in profile", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ShowsGpuDevicesBesideTheNode_InTheTable()
    {
        var scenario = WriteScenario("""
            nodes: [{name: g1, allocatable: {cpu: "4", memory: 8Gi, nvidia.com/gpu: 2}}]
            workloads: [{name: infer, replicas: 2, requests: {nvidia.com/gpu: 600m}}]
            """);
        var (code, output, _) = Cli("simulate", "-f", scenario);
        Assert.Equal(0, code);
        Assert.Contains("g1 (gpu 0)", output, StringComparison.Ordinal);
        Assert.Contains("g1 (gpu 1)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AcceptsShortAndLongOptions()
    {
        var result = Program.CreateRootCommand().Parse(["simulate", "-f", "s.yaml", "--explain", "-o", "json"]);
        Assert.Empty(result.Errors);
        var long_ = Program.CreateRootCommand().Parse(["simulate", "--file", "s.yaml", "--output", "table"]);
        Assert.Empty(long_.Errors);
    }

    [Theory]
    [InlineData(new[] { "simulate" }, "error: Option '--file' is required.")]
    [InlineData(new[] { "simulate", "-f", "s.yaml", "-o", "xml" }, "error: --output 'xml' is not an output format; use json, table")]
    public void Run_ExitsTwo_ForBadCommandLine(string[] args, string expected)
    {
        var (code, _, err) = Cli(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PrintsSpecJsonShape_AndExitsZero_EvenWhenSomethingIsUnschedulable()
    {
        var (code, output, err) = Cli("simulate", "-f", WriteScenario(Scenario), "-o", "json");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["placements", "summary"], root.EnumerateObject().Select(p => p.Name));
        var placements = root.GetProperty("placements");
        Assert.Equal(3, placements.GetArrayLength());

        var first = placements[0];
        Assert.Equal(["workload", "namespace", "replica", "node", "reason"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("web", first.GetProperty("workload").GetString());
        Assert.Equal("default", first.GetProperty("namespace").GetString());
        Assert.Equal(0, first.GetProperty("replica").GetInt32());
        Assert.Equal("node-1", first.GetProperty("node").GetString());
        Assert.Equal("node-2", placements[1].GetProperty("node").GetString());

        var big = placements[2];
        Assert.Equal(JsonValueKind.Null, big.GetProperty("node").ValueKind);
        Assert.Equal("0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.", big.GetProperty("reason").GetString());

        var summary = root.GetProperty("summary");
        Assert.Equal(["placed", "unschedulable", "nodesUsed"], summary.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, summary.GetProperty("placed").GetInt32());
        Assert.Equal(1, summary.GetProperty("unschedulable").GetInt32());
        Assert.Equal(2, summary.GetProperty("nodesUsed").GetInt32());
    }

    [Fact]
    public void Run_WithExplain_PrintsCandidates_WithScoresForFeasibleAndReasonsForRefused()
    {
        var (code, output, _) = Cli("simulate", "-f", WriteScenario(Scenario), "-o", "json", "--explain");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var candidates = json.RootElement.GetProperty("placements")[0].GetProperty("candidates");
        Assert.Equal(3, candidates.GetArrayLength());

        var feasible = candidates[0];
        Assert.Equal(["node", "feasible", "scores", "total"], feasible.EnumerateObject().Select(p => p.Name));
        Assert.True(feasible.GetProperty("feasible").GetBoolean());
        // LeastAllocated: cpu (2000-1000)*100/2000 = 50, memory (8Gi-2Gi)*100/8Gi = 75 → (50+75)/2 = 62.
        Assert.Equal(62, feasible.GetProperty("scores").GetProperty("NodeResourcesFit").GetInt64());
        Assert.Equal(62, feasible.GetProperty("total").GetInt64());

        var refused = candidates[2];
        Assert.Equal(["node", "feasible", "reasons"], refused.EnumerateObject().Select(p => p.Name));
        Assert.Equal("node-3", refused.GetProperty("node").GetString());
        Assert.False(refused.GetProperty("feasible").GetBoolean());
        Assert.Equal("node(s) were unschedulable", refused.GetProperty("reasons")[0].GetString());
    }

    [Fact]
    public void Run_ReadsJsonScenario()
    {
        var path = WriteScenario("""
            {"profile": {"filters": ["NodeResourcesFit"], "scores": [], "postFilters": []},
             "nodes": [{"name": "n1", "allocatable": {"cpu": "1"}}],
             "workloads": [{"name": "w", "requests": {"cpu": "500m"}}]}
            """, "scenario.json");
        var (code, output, _) = Cli("simulate", "-f", path, "-o", "json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("n1", json.RootElement.GetProperty("placements")[0].GetProperty("node").GetString());
    }

    [Fact]
    public void Run_PrintsTable_ByDefault()
    {
        var (code, output, _) = Cli("simulate", "-f", WriteScenario(Scenario));
        Assert.Equal(0, code);
        Assert.Contains("WORKLOAD", output, StringComparison.Ordinal);
        Assert.Contains("default/web", output, StringComparison.Ordinal);
        Assert.Contains("—", output, StringComparison.Ordinal);
        Assert.Contains("2 Insufficient cpu", output, StringComparison.Ordinal);
        Assert.Contains("2 placed, 1 unschedulable, 2 node(s) used", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PrintsCandidateTables_WithExplain()
    {
        var (code, output, _) = Cli("simulate", "-f", WriteScenario(Scenario), "--explain");
        Assert.Equal(0, code);
        Assert.Contains("default/web-0 → node-1", output, StringComparison.Ordinal);
        Assert.Contains("NodeResourcesFit 62", output, StringComparison.Ordinal);
        Assert.Contains("node(s) were unschedulable", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ExitsTwo_WithFieldPath_ForBadScenario()
    {
        var path = WriteScenario("nodes: [{name: n1}]\nworkloads:\n  - name: a\n  - name: b\n  - name: c\n    affinity: {nodeAffinity: {foo: 1}}\n");
        var (code, output, err) = Cli("simulate", "-f", path);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("error: workloads[2].affinity.nodeAffinity.foo: unknown field", err.Trim());
    }

    [Fact]
    public void Run_ExitsTwo_WhenFileIsMissing()
    {
        var path = Path.Combine(_dir, "missing.yaml");
        var (code, _, err) = Cli("simulate", "-f", path);
        Assert.Equal(2, code);
        Assert.Equal($"error: {path}: file not found", err.Trim());
    }

    [Fact]
    public void Run_ExitsTwo_WhenPluginIsUsedAtAPointItDoesNotImplement()
    {
        // NodeReady is a filter only.
        var path = WriteScenario("profile: {filters: [], scores: [NodeReady], postFilters: []}\nnodes: [{name: n1}]\n");
        var (code, _, err) = Cli("simulate", "-f", path);
        Assert.Equal(2, code);
        Assert.Equal("error: profile.scores[0]: plugin 'NodeReady' cannot be used as a score plugin", err.Trim());
    }

    [Fact]
    public void OutputOption_DefaultsToTable()
    {
        var option = CommonOptions.Output();
        var command = new System.CommandLine.RootCommand { option };
        Assert.Equal(OutputFormat.Table, command.Parse([]).GetValue(option));
    }
}
