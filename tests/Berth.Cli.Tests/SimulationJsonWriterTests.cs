using Berth.Scheduling.Plugins;
using System.Text.Json;
using Berth.Cli.Commands.Simulate;
using Berth.Scheduling.Simulation;

namespace Berth.Cli.Tests;

public class SimulationJsonWriterTests
{
    private static JsonElement Write(ReplicaPlacement placement, bool explain)
    {
        var writer = new StringWriter();
        SimulationJsonWriter.Write(new SimulationReport([placement], new SimulationSummary(1, 0, 1)), explain, writer);
        return JsonDocument.Parse(writer.ToString()).RootElement.GetProperty("placements")[0];
    }

    private static readonly ReplicaPlacement Preempting = new(
        "api", "default", 0, "node-1", "no node fit; preempted default/p1 on node-1", [], ["default/p1"],
        new PreemptionDetails([new PreemptionCandidate("node-1", ["default/p1"], 0)], "node-1"));

    [Fact]
    public void Write_CarriesPreemptedAndPreemption_WithExplain()
    {
        var p = Write(Preempting, explain: true);
        Assert.Equal(["workload", "namespace", "replica", "node", "reason", "preempted", "preemption", "candidates"], p.EnumerateObject().Select(x => x.Name));
        Assert.Equal("default/p1", p.GetProperty("preempted")[0].GetString());
        var preemption = p.GetProperty("preemption");
        Assert.Equal("node-1", preemption.GetProperty("chosen").GetString());
        var candidate = preemption.GetProperty("candidates")[0];
        Assert.Equal(["node", "victims", "budgetViolations"], candidate.EnumerateObject().Select(x => x.Name));
        Assert.Equal(0, candidate.GetProperty("budgetViolations").GetInt32());
    }

    [Fact]
    public void Write_CarriesPreemptedOnly_WithoutExplain()
    {
        var p = Write(Preempting, explain: false);
        Assert.Equal(["workload", "namespace", "replica", "node", "reason", "preempted"], p.EnumerateObject().Select(x => x.Name));
    }

    [Fact]
    public void Write_CarriesDevices_ForGpuReplicas()
    {
        var p = Write(new ReplicaPlacement("train", "default", 0, "gpu-1", "placed", null, [], null, [3]), explain: false);
        Assert.Equal(3, p.GetProperty("devices")[0].GetInt32());
    }

    [Fact]
    public void Write_KeepsReasonTextReadable()
    {
        var writer = new StringWriter();
        var placement = new ReplicaPlacement("web", "default", 0, null, "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}.", null, [], null);
        SimulationJsonWriter.Write(new SimulationReport([placement], new SimulationSummary(0, 1, 0)), false, writer);
        Assert.Contains("\"reason\": \"0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}.\"", writer.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"node\": null", writer.ToString(), StringComparison.Ordinal);
    }
}
