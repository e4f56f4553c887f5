using Berth.Core.Specs;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class NodeReadyTests
{
    private static SchedulerHarness Harness(params NodeSpec[] nodes) =>
        new(nodes, SchedulerHarness.Only([NodeReady.Name]));

    [Fact]
    public void Filter_RefusesNodeThatIsNotReady()
    {
        var h = Harness(Node("down").NotReady(), Node("up"));
        var result = h.Schedule(Workload());
        Assert.Equal("up", result.NodeName);
        Assert.Equal(["node(s) were not ready"], SchedulerHarness.ReasonsOf(result, "down"));
    }

    [Fact]
    public void Filter_RefusesEveryNode_WhenNoneIsReady_WhateverTheTolerations()
    {
        var h = Harness(Node("a").NotReady(), Node("b").NotReady());
        var result = h.Schedule(Workload().Tolerate("", "", null, TolerationOperator.Exists));
        Assert.False(result.IsPlaced);
        Assert.Equal("0/2 nodes are available: 2 node(s) were not ready.", result.Diagnostics.Summary);
    }
}
