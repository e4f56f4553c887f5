using Berth.Core.Specs;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class TaintTolerationTests
{
    private static SchedulerHarness Harness(params NodeSpec[] nodes) =>
        new(nodes, SchedulerHarness.Only([TaintToleration.Name], TaintToleration.Name));

    [Fact]
    public void Filter_RejectsNode_WhenTaintIsNotTolerated()
    {
        var h = Harness(Node("tainted").Taint("dedicated", "gpu"), Node("free"));
        var result = h.Schedule(Workload());
        Assert.Equal("free", result.NodeName);
        Assert.Equal(["node(s) had untolerated taint {dedicated: gpu}"], SchedulerHarness.ReasonsOf(result, "tainted"));
        Assert.Equal(1, result.Diagnostics.RefusedByPlugin[TaintToleration.Name]);
    }

    [Fact]
    public void Filter_ReportsTheFirstUntoleratedTaint_InNodeOrder()
    {
        // PreferNoSchedule is not a filter taint; b is tolerated; c is the first left, before d.
        var h = Harness(Node("n")
            .Taint("a", "1", TaintEffect.PreferNoSchedule)
            .Taint("b", "2")
            .Taint("c", "3", TaintEffect.NoExecute)
            .Taint("d", "4"));
        var result = h.Schedule(Workload().Tolerate("b", "2"));
        Assert.False(result.IsPlaced);
        Assert.Equal("0/1 nodes are available: 1 node(s) had untolerated taint {c: 3}.", result.Diagnostics.Summary);
    }

    [Fact]
    public void Filter_RefusesNode_WhenOnlyOneOfTwoTaintsWithTheSameKeyIsTolerated()
    {
        var h = Harness(Node("n").Taint("team", "a").Taint("team", "b"));
        var result = h.Schedule(Workload().Tolerate("team", "a"));
        Assert.Equal(["node(s) had untolerated taint {team: b}"], SchedulerHarness.ReasonsOf(result, "n"));
    }

    [Fact]
    public void Filter_AcceptsNode_WhenExistsTolerationCoversEveryValueOfTheKey()
    {
        var h = Harness(Node("n").Taint("team", "a").Taint("team", "b", TaintEffect.NoExecute));
        var result = h.Schedule(Workload().Tolerate("team", "", op: TolerationOperator.Exists));
        Assert.Equal("n", result.NodeName);
    }

    [Fact]
    public void Filter_AcceptsNode_WhenExistsTolerationHasAnEmptyKey()
    {
        // An empty key with Exists tolerates every taint, of any key and effect.
        var h = Harness(Node("n").Taint("x", "1").Taint("y", "2", TaintEffect.NoExecute));
        var result = h.Schedule(Workload().Tolerate("", "", op: TolerationOperator.Exists));
        Assert.Equal("n", result.NodeName);
    }

    [Fact]
    public void Filter_EffectlessTolerationToleratesEveryEffect_ButAnEffectOnlyItsOwn()
    {
        var h = Harness(Node("n").Taint("k", "v", TaintEffect.NoExecute));
        Assert.True(h.Schedule(Workload().Tolerate("k", "v")).IsPlaced);
        var result = h.Schedule(Workload().Tolerate("k", "v", TaintEffect.NoSchedule));
        Assert.Equal(["node(s) had untolerated taint {k: v}"], SchedulerHarness.ReasonsOf(result, "n"));
    }

    [Fact]
    public void Filter_IgnoresPreferNoScheduleTaints()
    {
        var h = Harness(Node("n").Taint("k", "v", TaintEffect.PreferNoSchedule));
        Assert.Equal("n", h.Schedule(Workload()).NodeName);
    }

    [Fact]
    public void Score_CountsUntoleratedPreferNoScheduleTaints_Reversed()
    {
        // Raw counts: clean 0, one 1, two 2, tolerated 0 (effect-less toleration covers PreferNoSchedule).
        // Max 2 → 100 - 100*count/2: clean 100, one 50, two 0, tolerated 100.
        var h = Harness(
            Node("clean"),
            Node("one").Taint("a", "1", TaintEffect.PreferNoSchedule),
            Node("two").Taint("a", "1", TaintEffect.PreferNoSchedule).Taint("b", "2", TaintEffect.PreferNoSchedule),
            Node("tolerated").Taint("c", "3", TaintEffect.PreferNoSchedule));
        var result = h.Schedule(Workload().Tolerate("c", "3"));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "clean", TaintToleration.Name));
        Assert.Equal(50, SchedulerHarness.ScoreOf(result, "one", TaintToleration.Name));
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "two", TaintToleration.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "tolerated", TaintToleration.Name));
    }

    [Fact]
    public void Score_IgnoresTolerationsWithANonPreferEffect()
    {
        // The NoSchedule toleration does not cover a PreferNoSchedule taint; the PreferNoSchedule one does.
        // Raw: a 1 (taint k=v untolerated), b 0 (k2=v tolerated) → max 1 → a 100-100=0, b 100.
        var h = Harness(
            Node("a").Taint("k", "v", TaintEffect.PreferNoSchedule),
            Node("b").Taint("k2", "v", TaintEffect.PreferNoSchedule));
        var result = h.Schedule(Workload().Tolerate("k", "v", TaintEffect.NoSchedule).Tolerate("k2", "v", TaintEffect.PreferNoSchedule));
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "a", TaintToleration.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "b", TaintToleration.Name));
        Assert.Equal("b", result.NodeName);
    }

    [Fact]
    public void Score_CountsEachTaintWithTheSameKey()
    {
        // Taints team=a, team=b, team=c; toleration team=a → 2 untolerated; other node 1 (team=x) → max 2.
        // three: 100 - 100*2/2 = 0; single: 100 - 100*1/2 = 50.
        var h = Harness(
            Node("three").Taint("team", "a", TaintEffect.PreferNoSchedule).Taint("team", "b", TaintEffect.PreferNoSchedule).Taint("team", "c", TaintEffect.PreferNoSchedule),
            Node("single").Taint("team", "x", TaintEffect.PreferNoSchedule));
        var result = h.Schedule(Workload().Tolerate("team", "a"));
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "three", TaintToleration.Name));
        Assert.Equal(50, SchedulerHarness.ScoreOf(result, "single", TaintToleration.Name));
    }

    [Fact]
    public void Score_GivesEveryNode100_WhenNoneHasAnUntoleratedPreferTaint()
    {
        var h = Harness(Node("a"), Node("b").Taint("k", "v", TaintEffect.PreferNoSchedule));
        var result = h.Schedule(Workload().Tolerate("", "", op: TolerationOperator.Exists));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "a", TaintToleration.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "b", TaintToleration.Name));
    }

    [Fact]
    public void DefaultProfile_NodeNameRefusesBeforeTaintToleration()
    {
        // Kubernetes' order: NodeName, then TaintToleration. b is refused by NodeName although it is tainted too.
        var h = new SchedulerHarness([Node("a").Taint("k", "v"), Node("b").Taint("k", "v")], SchedulerHarness.DefaultWithoutPreemption());
        var result = h.Schedule(Workload().OnNode("a"));
        Assert.Equal(
            "0/2 nodes are available: 1 node(s) didn't match the requested node name, 1 node(s) had untolerated taint {k: v}.",
            result.Diagnostics.Summary);
    }
}
