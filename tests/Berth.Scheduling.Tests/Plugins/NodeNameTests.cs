using Berth.Scheduling.Plugins;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class NodeNameTests
{
    private const string Reason = "node(s) didn't match the requested node name";

    private static SchedulerHarness Harness(params Berth.Core.Specs.NodeSpec[] nodes) =>
        new(nodes, SchedulerHarness.Only([NodeName.Name]));

    [Fact]
    public void Filter_KeepsOnlyTheRequestedNode()
    {
        var h = Harness(Node("a"), Node("b"), Node("c"));
        var result = h.Schedule(Workload().OnNode("b"));
        Assert.Equal("b", result.NodeName);
        Assert.Equal(["b"], SchedulerHarness.FeasibleNodes(result));
        Assert.Equal([Reason], SchedulerHarness.ReasonsOf(result, "a"));
        Assert.Equal(2, result.Diagnostics.RefusedByPlugin[NodeName.Name]);
    }

    [Fact]
    public void Filter_RefusesEveryNode_WhenTheRequestedNodeDoesNotExist()
    {
        var h = Harness(Node("a"), Node("b"));
        var result = h.Schedule(Workload().OnNode("gone"));
        Assert.False(result.IsPlaced);
        Assert.Equal($"0/2 nodes are available: 2 {Reason}.", result.Diagnostics.Summary);
    }

    [Fact]
    public void PreFilter_Skips_WhenNodeNameIsUnset()
    {
        var h = Harness(Node("a"), Node("b"));
        var result = h.Schedule(Workload());
        Assert.Equal(["a", "b"], SchedulerHarness.FeasibleNodes(result));
        Assert.False(result.Diagnostics.RefusedByPlugin.ContainsKey(NodeName.Name));
    }

    [Fact]
    public void DefaultProfile_ReportsCordonedRequestedNode_AsUnschedulable()
    {
        // Kubernetes' order: NodeUnschedulable runs before NodeName, so the cordoned requested node is refused by it.
        var h = new SchedulerHarness([Node("a").Cordoned(), Node("b")], SchedulerHarness.DefaultWithoutPreemption());
        var result = h.Schedule(Workload().OnNode("a"));
        Assert.False(result.IsPlaced);
        Assert.Equal($"0/2 nodes are available: 1 {Reason}, 1 node(s) were unschedulable.", result.Diagnostics.Summary);
    }
}
