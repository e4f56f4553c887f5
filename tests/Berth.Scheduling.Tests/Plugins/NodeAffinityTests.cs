using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;
using NodeAffinityPlugin = Berth.Scheduling.Plugins.NodeAffinity;
using SpecNodeAffinity = Berth.Core.Specs.NodeAffinity;

namespace Berth.Scheduling.Tests.Plugins;

public class NodeAffinityTests
{
    private const string Reason = "node(s) didn't match Pod's node affinity/selector";
    private const string NotNamed = "node(s) didn't satisfy plugin(s) [NodeAffinity]";

    private static SchedulerHarness Harness(params NodeSpec[] nodes) =>
        new(nodes, SchedulerHarness.Only([NodeAffinityPlugin.Name], NodeAffinityPlugin.Name));

    private static LabelRequirement Req(string key, SelectorOperator op, params string[] values) => new(key, op, values);

    private static NodeSelectorTerm Term(params LabelRequirement[] expressions) => new(expressions, []);

    private static NodeSelectorTerm Fields(params LabelRequirement[] fields) => new([], fields);

    private static SpecNodeAffinity Required(params NodeSelectorTerm[] terms) => new(new NodeSelector(terms), []);

    private static SpecNodeAffinity Preferred(params (int Weight, NodeSelectorTerm Term)[] terms) =>
        new(null, [.. terms.Select(t => new PreferredSchedulingTerm(t.Weight, t.Term))]);

    /// <summary>a: zone=a, b: zone=b, x: no zone.</summary>
    private static SchedulerHarness Zones() => Harness(Node("a").Label("zone", "a"), Node("b").Label("zone", "b"), Node("x"));

    [Fact]
    public void Filter_RefusesNode_WhenNodeSelectorDoesNotMatch()
    {
        var h = Zones();
        var result = h.Schedule(Workload().NodeSelector("zone", "a"));
        Assert.Equal(["a"], SchedulerHarness.FeasibleNodes(result));
        Assert.Equal([Reason], SchedulerHarness.ReasonsOf(result, "b"));
        Assert.Equal([Reason], SchedulerHarness.ReasonsOf(result, "x"));
    }

    [Fact]
    public void Filter_RefusesEveryNode_WhenNodeSelectorKeyIsOnNoNode()
    {
        var h = Zones();
        var result = h.Schedule(Workload().NodeSelector("disk", "ssd"));
        Assert.Equal($"0/3 nodes are available: 3 {Reason}.", result.Diagnostics.Summary);
    }

    public static TheoryData<string, LabelRequirement, string[]> LabelOperators => new()
    {
        { "In", Req("zone", SelectorOperator.In, "a"), ["a"] },
        { "In with a value no node has", Req("zone", SelectorOperator.In, "a", "c"), ["a"] },
        { "NotIn matches nodes without the key", Req("zone", SelectorOperator.NotIn, "a"), ["b", "x"] },
        { "NotIn on a key no node has matches all", Req("missing", SelectorOperator.NotIn, "v"), ["a", "b", "x"] },
        { "In on a key no node has matches none", Req("missing", SelectorOperator.In, "v"), [] },
        { "Exists", Req("zone", SelectorOperator.Exists), ["a", "b"] },
        { "Exists on a key no node has", Req("missing", SelectorOperator.Exists), [] },
        { "DoesNotExist", Req("zone", SelectorOperator.DoesNotExist), ["x"] },
        { "DoesNotExist on a key no node has", Req("missing", SelectorOperator.DoesNotExist), ["a", "b", "x"] },
        { "In without values is invalid", Req("zone", SelectorOperator.In), [] },
        { "Exists with values is invalid", Req("zone", SelectorOperator.Exists, "a"), [] },
    };

    [Theory]
    [MemberData(nameof(LabelOperators))]
    public void Filter_MatchesLabelOperatorsAsKubernetes(string name, LabelRequirement requirement, string[] expected)
    {
        var h = Zones();
        var result = h.Schedule(Workload().NodeAffinity(Required(Term(requirement))));
        Assert.True(expected.SequenceEqual(SchedulerHarness.FeasibleNodes(result)), name);
    }

    public static TheoryData<string, LabelRequirement, string[]> Comparisons => new()
    {
        { "Gt", Req("cores", SelectorOperator.Gt, "8"), ["n16"] },
        { "Lt counts negative values and skips non-integers", Req("cores", SelectorOperator.Lt, "8"), ["n4", "neg"] },
        { "Gt with a signed bound", Req("cores", SelectorOperator.Gt, "+4"), ["n16"] },
        { "Gt with a non-integer bound is invalid", Req("cores", SelectorOperator.Gt, "eight"), [] },
        { "Lt with two values is invalid", Req("cores", SelectorOperator.Lt, "8", "9"), [] },
        { "Gt on a key no node has", Req("missing", SelectorOperator.Gt, "0"), [] },
    };

    [Theory]
    [MemberData(nameof(Comparisons))]
    public void Filter_ComparesIntegerLabels(string name, LabelRequirement requirement, string[] expected)
    {
        var h = Harness(
            Node("n4").Label("cores", "4"),
            Node("n16").Label("cores", "16"),
            Node("lots").Label("cores", "lots"),
            Node("neg").Label("cores", "-2"),
            Node("none"));
        var result = h.Schedule(Workload().NodeAffinity(Required(Term(requirement))));
        Assert.True(expected.SequenceEqual(SchedulerHarness.FeasibleNodes(result)), name);
    }

    [Fact]
    public void Filter_OrsTermsAndAndsExpressionsWithinATerm()
    {
        var h = Harness(
            Node("a-ssd").Label("zone", "a").Label("disk", "ssd"),
            Node("a-hdd").Label("zone", "a").Label("disk", "hdd"),
            Node("b").Label("zone", "b"),
            Node("c").Label("zone", "c"));
        var affinity = Required(
            Term(Req("zone", SelectorOperator.In, "a"), Req("disk", SelectorOperator.In, "ssd")),
            Term(Req("zone", SelectorOperator.In, "b")));
        var result = h.Schedule(Workload().NodeAffinity(affinity));
        Assert.Equal(["a-ssd", "b"], SchedulerHarness.FeasibleNodes(result));
    }

    [Fact]
    public void Filter_TermWithoutRequirementsMatchesNothing()
    {
        var h = Zones();
        Assert.Empty(SchedulerHarness.FeasibleNodes(h.Schedule(Workload().NodeAffinity(Required(Term())))));
        Assert.Empty(SchedulerHarness.FeasibleNodes(h.Schedule(Workload().NodeAffinity(Required()))));
        var withOther = h.Schedule(Workload().NodeAffinity(Required(Term(), Term(Req("zone", SelectorOperator.In, "b")))));
        Assert.Equal(["b"], SchedulerHarness.FeasibleNodes(withOther));
    }

    [Fact]
    public void Filter_RequiresBothNodeSelectorAndAffinity()
    {
        var h = Harness(
            Node("a-ssd").Label("zone", "a").Label("disk", "ssd"),
            Node("a").Label("zone", "a"),
            Node("b-ssd").Label("zone", "b").Label("disk", "ssd"));
        var workload = Workload().NodeSelector("zone", "a").NodeAffinity(Required(Term(Req("disk", SelectorOperator.Exists))));
        Assert.Equal(["a-ssd"], SchedulerHarness.FeasibleNodes(h.Schedule(workload)));
    }

    [Fact]
    public void Filter_MatchFieldsNodeNameIn_RefusesOtherNodesAsNotEvaluated()
    {
        // Kubernetes narrows the cycle to the named nodes (PreFilterResult); the others are reported as not satisfying the plugin.
        var h = Zones();
        var result = h.Schedule(Workload().NodeAffinity(Required(Fields(Req(NodeSelectorTerm.NodeNameField, SelectorOperator.In, "b")))));
        Assert.Equal("b", result.NodeName);
        Assert.Equal([NotNamed], SchedulerHarness.ReasonsOf(result, "a"));
    }

    [Fact]
    public void Filter_MatchFieldsNodeNameNotIn_RefusesTheNamedNode()
    {
        var h = Zones();
        var result = h.Schedule(Workload().NodeAffinity(Required(Fields(Req(NodeSelectorTerm.NodeNameField, SelectorOperator.NotIn, "a")))));
        Assert.Equal(["b", "x"], SchedulerHarness.FeasibleNodes(result));
        Assert.Equal([Reason], SchedulerHarness.ReasonsOf(result, "a"));
    }

    [Fact]
    public void Filter_MatchFieldsWithTwoValuesIsInvalid_ButStillNarrowsToTheNamedNodes()
    {
        // The term cannot be parsed (fields take one value), so it matches nothing; yet Kubernetes' PreFilter
        // already narrowed the cycle to a and b, so x is reported as not evaluated.
        var h = Zones();
        var result = h.Schedule(Workload().NodeAffinity(Required(Fields(Req(NodeSelectorTerm.NodeNameField, SelectorOperator.In, "a", "b")))));
        Assert.False(result.IsPlaced);
        Assert.Equal([Reason], SchedulerHarness.ReasonsOf(result, "a"));
        Assert.Equal([NotNamed], SchedulerHarness.ReasonsOf(result, "x"));
    }

    [Fact]
    public void PreFilter_RefusesEveryNode_WhenNamedNodesOfATermConflict()
    {
        var name = NodeSelectorTerm.NodeNameField;
        var h = Zones();
        var term = Fields(Req(name, SelectorOperator.In, "a"), Req(name, SelectorOperator.In, "b"));
        var result = h.Schedule(Workload().NodeAffinity(Required(term)));
        Assert.False(result.IsPlaced);
        Assert.Equal(["pod affinity terms conflict"], SchedulerHarness.ReasonsOf(result, "a"));
        Assert.Equal(3, result.Diagnostics.RefusedByPlugin[NodeAffinityPlugin.Name]);
        Assert.Equal("0/3 nodes are available: pod affinity terms conflict.", result.Diagnostics.Summary);
    }

    [Fact]
    public void Filter_CombinesMatchFieldsAndExpressionsInATerm()
    {
        var h = Zones();
        var term = new NodeSelectorTerm([Req("zone", SelectorOperator.Exists)], [Req(NodeSelectorTerm.NodeNameField, SelectorOperator.NotIn, "a")]);
        Assert.Equal(["b"], SchedulerHarness.FeasibleNodes(h.Schedule(Workload().NodeAffinity(Required(term)))));
    }

    [Fact]
    public void PreFilter_Skips_WhenThereIsNothingToCheck()
    {
        var h = Zones();
        var result = h.Schedule(Workload());
        Assert.Equal(["a", "b", "x"], SchedulerHarness.FeasibleNodes(result));
        Assert.False(result.Diagnostics.RefusedByPlugin.ContainsKey(NodeAffinityPlugin.Name));
    }

    [Fact]
    public void Score_SumsMatchingPreferredWeights_Normalized()
    {
        // Raw: a (zone=a, ssd) 7+5=12, b (zone=b, ssd) 5, c (zone=a) 7, d 0. Max 12 →
        // a 100*12/12=100, b 100*5/12=41, c 100*7/12=58, d 0.
        var h = Harness(
            Node("a").Label("zone", "a").Label("disk", "ssd"),
            Node("b").Label("zone", "b").Label("disk", "ssd"),
            Node("c").Label("zone", "a"),
            Node("d"));
        var affinity = Preferred((7, Term(Req("zone", SelectorOperator.In, "a"))), (5, Term(Req("disk", SelectorOperator.Exists))));
        var result = h.Schedule(Workload().NodeAffinity(affinity));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "a", NodeAffinityPlugin.Name));
        Assert.Equal(41, SchedulerHarness.ScoreOf(result, "b", NodeAffinityPlugin.Name));
        Assert.Equal(58, SchedulerHarness.ScoreOf(result, "c", NodeAffinityPlugin.Name));
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "d", NodeAffinityPlugin.Name));
        Assert.Equal("a", result.NodeName);
    }

    [Fact]
    public void Score_IsZeroEverywhere_WhenNoNodeMatchesAPreferredTerm()
    {
        // Not reversed: max 0 leaves every score at 0; an empty term matches nothing.
        var h = Zones();
        var affinity = Preferred((10, Term(Req("zone", SelectorOperator.In, "z"))), (20, Term()));
        var result = h.Schedule(Workload().NodeAffinity(affinity));
        Assert.All(["a", "b", "x"], n => Assert.Equal(0, SchedulerHarness.ScoreOf(result, n, NodeAffinityPlugin.Name)));
    }

    [Fact]
    public void PreScore_Skips_WhenThereAreNoPreferredTerms()
    {
        var h = Zones();
        var result = h.Schedule(Workload().NodeSelector("zone", "a"));
        Assert.False(result.Diagnostics.Nodes!.Single(n => n.Node == "a").Scores.ContainsKey(NodeAffinityPlugin.Name));
    }

    [Fact]
    public void FilterAndScore_AgreeAcrossParallelNodeRanges()
    {
        // 300 nodes, zone = i % 3, split over 4 workers of 64+ nodes: zone 1 is required (100 nodes),
        // and i % 2 == 0 is preferred with weight 4 (50 of them) → those score 100*4/4 = 100, the rest 0.
        var nodes = Enumerable.Range(0, 300).Select(i => Node($"n{i}").Label("zone", $"{i % 3}").Label("even", $"{i % 2 == 0}").Build()).ToArray();
        var snapshot = Berth.Scheduling.Snapshot.ClusterSnapshot.Create(nodes);
        var scheduler = new Berth.Scheduling.Framework.Scheduler(
            SchedulerHarness.Only([NodeAffinityPlugin.Name], NodeAffinityPlugin.Name),
            options: new Berth.Scheduling.Framework.SchedulerOptions(4, MinNodesPerWorker: 64));
        var workload = Workload().NodeAffinity(new SpecNodeAffinity(
            new NodeSelector([Term(Req("zone", SelectorOperator.In, "1"))]),
            [new PreferredSchedulingTerm(4, Term(Req("even", SelectorOperator.In, "True")))]));
        var result = scheduler.Schedule(snapshot, snapshot.Compile(workload), explain: true);
        Assert.Equal(100, result.Diagnostics.FeasibleNodes);
        Assert.Equal("n4", result.NodeName);
        Assert.Equal(50, result.Diagnostics.Nodes!.Count(n => n.Feasible && n.Scores[NodeAffinityPlugin.Name] == 100));
        Assert.Equal(50, result.Diagnostics.Nodes!.Count(n => n.Feasible && n.Scores[NodeAffinityPlugin.Name] == 0));
    }

    [Fact]
    public void DefaultProfile_TaintTolerationRefusesBeforeNodeAffinity()
    {
        // Kubernetes' order: TaintToleration, then NodeAffinity. a fails both and is reported by TaintToleration.
        var h = new SchedulerHarness([Node("a").Taint("k", "v"), Node("b").Label("zone", "b")], SchedulerHarness.DefaultWithoutPreemption());
        var result = h.Schedule(Workload().NodeSelector("zone", "z"));
        Assert.Equal(
            $"0/2 nodes are available: 1 {Reason}, 1 node(s) had untolerated taint {{k: v}}.",
            result.Diagnostics.Summary);
    }

    [Fact]
    public void PreFilter_NodesOutsideTheNamedOnes_AreRefusedByNodeAffinity_BeforeAnyOtherFilter()
    {
        // Kubernetes' PreFilterResult: node a is not named, so it reads "didn't satisfy plugin(s) [NodeAffinity]" even
        // though its taint would refuse it first; node b is named but too small.
        var h = new SchedulerHarness([Node("a").Taint("x", "y"), Node("b").Allocatable("cpu", "1")], SchedulerHarness.DefaultWithoutPreemption());
        var workload = Workload().Requests(("cpu", "2"))
            .NodeAffinity(Required(Fields(Req(NodeSelectorTerm.NodeNameField, SelectorOperator.In, "b"))));
        var result = h.Schedule(workload);
        Assert.Equal("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't satisfy plugin(s) [NodeAffinity].", result.Diagnostics.Summary);
        Assert.Equal(1, result.Diagnostics.RefusedByPlugin[NodeAffinityPlugin.Name]);
        Assert.False(result.Diagnostics.RefusedByPlugin.ContainsKey(Berth.Scheduling.Plugins.TaintToleration.Name));
    }
}
