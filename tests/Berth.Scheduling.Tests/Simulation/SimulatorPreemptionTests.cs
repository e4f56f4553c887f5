using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Simulation;

namespace Berth.Scheduling.Tests.Simulation;

/// <summary>How the simulator commits a post-filter's decision, with a stand-in post-filter that evicts everything on the first node.</summary>
public class SimulatorPreemptionTests
{
    private sealed class EvictFirstNode : IPostFilterPlugin
    {
        public const string Name = "EvictFirstNode";

        string ISchedulingPlugin.Name => Name;

        public PostFilterResult? PostFilter(SchedulingCycle cycle, NodeRefusals refusals)
        {
            var victims = cycle.Snapshot.ReplicasOn(0).ToList();
            if (victims.Count == 0)
            {
                return null;
            }
            var node = cycle.Snapshot.Node(0).Name;
            var details = new PreemptionDetails([new PreemptionCandidate(node, [.. victims.Select(v => v.Key)], 1)], node);
            return new PostFilterResult(0, victims, details);
        }
    }

    private static PluginRegistry Registry()
    {
        var registry = new PluginRegistry();
        registry.Register(NodeResourcesFit.Name, args => new NodeResourcesFit(PluginRegistry.PluginArgsOf<NodeResourcesFitArgs>(NodeResourcesFit.Name, args) ?? NodeResourcesFitArgs.Default));
        registry.Register(EvictFirstNode.Name, _ => new EvictFirstNode());
        return registry;
    }

    private const string Scenario = """
        profile:
          filters: [NodeResourcesFit]
          scores: []
          postFilters: [EvictFirstNode]
          tiebreak: first
        nodes: [{name: node-1, allocatable: {cpu: "2"}}]
        placed:
          - {name: p1, node: node-1, requests: {cpu: "1"}}
          - {name: p2, node: node-1, requests: {cpu: "1"}}
        workloads:
          - {name: api, replicas: 2, priority: 100, requests: {cpu: "1"}}
        """;

    [Fact]
    public void Run_EvictsVictims_BeforePlacing_AndReportsThem()
    {
        var registry = Registry();
        var report = new Simulator(registry).Run(ScenarioReader.Read(Scenario, registry), explain: true);

        // api-0: node full → victims p1, p2 evicted, api-0 placed. api-1: the freed cpu fits without preemption.
        var first = report.Placements[0];
        Assert.Equal("node-1", first.Node);
        Assert.Equal(["default/p1", "default/p2"], first.Preempted);
        Assert.Equal("no node fit; preempted default/p1, default/p2 on node-1", first.Reason);
        var preemption = first.Preemption!;
        Assert.Equal("node-1", preemption.Chosen);
        var candidate = Assert.Single(preemption.Candidates);
        Assert.Equal(["default/p1", "default/p2"], candidate.Victims);
        Assert.Equal("node-1", candidate.Node);
        Assert.Equal(1, candidate.BudgetViolations);

        var second = report.Placements[1];
        Assert.Equal("node-1", second.Node);
        Assert.Empty(second.Preempted);
        Assert.Null(second.Preemption);
        Assert.Equal(new SimulationSummary(2, 0, 1), report.Summary);
    }

    [Fact]
    public void Run_OmitsPreemptionExplanation_WithoutExplain()
    {
        var registry = Registry();
        var report = new Simulator(registry).Run(ScenarioReader.Read(Scenario, registry), explain: false);
        Assert.Equal(["default/p1", "default/p2"], report.Placements[0].Preempted);
        Assert.Null(report.Placements[0].Preemption);
    }
}
