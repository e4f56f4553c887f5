using Berth.Core.Specs;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class NodeUnschedulableTests
{
    private static SchedulerHarness Harness(params NodeSpec[] nodes) =>
        new(nodes, SchedulerHarness.Only([NodeUnschedulable.Name]));

    [Fact]
    public void Filter_RefusesCordonedNode()
    {
        var h = Harness(Node("cordoned").Cordoned(), Node("open"));
        var result = h.Schedule(Workload());
        Assert.Equal("open", result.NodeName);
        Assert.Equal(["node(s) were unschedulable"], SchedulerHarness.ReasonsOf(result, "cordoned"));
        Assert.Equal(1, result.Diagnostics.RefusedByPlugin[NodeUnschedulable.Name]);
    }

    [Fact]
    public void Filter_AcceptsCordonedNode_WhenTheUnschedulableTaintIsTolerated()
    {
        var h = Harness(Node("cordoned").Cordoned());
        var result = h.Schedule(Workload().Tolerate(NodeUnschedulable.UnschedulableTaintKey, "", TaintEffect.NoSchedule, TolerationOperator.Exists));
        Assert.Equal("cordoned", result.NodeName);
    }

    [Fact]
    public void Filter_RefusesCordonedNode_WhenOnlyAnotherKeyIsTolerated()
    {
        var h = Harness(Node("cordoned").Cordoned());
        var result = h.Schedule(Workload().Tolerate("dedicated", "gpu"));
        Assert.False(result.IsPlaced);
        Assert.Equal("0/1 nodes are available: 1 node(s) were unschedulable.", result.Diagnostics.Summary);
    }
}
