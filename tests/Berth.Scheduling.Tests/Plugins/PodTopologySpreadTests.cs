using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class PodTopologySpreadTests
{
    private const string Zone = "topology.kubernetes.io/zone";
    private const string Hostname = "kubernetes.io/hostname";

    private static SchedulerHarness Harness(params NodeSpec[] nodes) =>
        new(nodes, SchedulerHarness.Only([PodTopologySpread.Name], PodTopologySpread.Name));

    private static TopologySpreadConstraint Spread(
        string key,
        int maxSkew = 1,
        UnsatisfiableConstraintAction when = UnsatisfiableConstraintAction.DoNotSchedule,
        LabelSelector? selector = null,
        int? minDomains = null,
        NodeInclusionPolicy affinityPolicy = NodeInclusionPolicy.Honor,
        NodeInclusionPolicy taintsPolicy = NodeInclusionPolicy.Ignore,
        string[]? matchLabelKeys = null) =>
        new(maxSkew, key, when, selector ?? Selector(("app", "web")), minDomains, affinityPolicy, taintsPolicy, matchLabelKeys ?? []);

    private static WorkloadBuilder Web(string? name = null) => Workload(name).Label("app", "web");

    private static string[] Feasible(PlacementResult result) =>
        [.. result.Diagnostics.Nodes!.Where(n => n.Feasible).Select(n => n.Node)];

    private static NodeBuilder InZone(string name, string zone) => Node(name).Label(Zone, zone);

    [Fact]
    public void Filter_RefusesNodesInTheFullestZone_WhenSkewWouldExceedMaxSkew()
    {
        // Matching per zone: a=2, b=1, c=1; global minimum 1. a: 2+1-1=2 > 1 refused; b, c: 1+1-1=1 kept.
        var h = Harness(InZone("a1", "a"), InZone("b1", "b"), InZone("c1", "c"));
        h.Place(Web(), "a1", "a1", "b1", "c1");
        var result = h.Schedule(Web().Spread(Spread(Zone)));
        Assert.Equal(["b1", "c1"], Feasible(result));
        Assert.Equal([PodTopologySpread.ConstraintsNotMatchReason], SchedulerHarness.ReasonsOf(result, "a1"));
        Assert.Equal("node(s) didn't match pod topology spread constraints", PodTopologySpread.ConstraintsNotMatchReason);
    }

    [Fact]
    public void Filter_CountsTheIncomingReplicaOnlyWhenItMatchesTheSelector()
    {
        // Matching a=2, b=1, c=1, maxSkew 1. An incoming replica the selector does not match adds 0: a: 2+0-1=1 kept.
        var h = Harness(InZone("a1", "a"), InZone("b1", "b"), InZone("c1", "c"));
        h.Place(Web(), "a1", "a1", "b1", "c1");
        var result = h.Schedule(Workload().Label("app", "db").Spread(Spread(Zone)));
        Assert.Equal(["a1", "b1", "c1"], Feasible(result));
    }

    [Fact]
    public void Filter_RefusesNode_WhenTopologyKeyIsMissing()
    {
        var h = Harness(InZone("a1", "a"), Node("bare"));
        var result = h.Schedule(Web().Spread(Spread(Zone)));
        Assert.Equal("a1", result.NodeName);
        Assert.Equal(["node(s) didn't match pod topology spread constraints (missing required label)"], SchedulerHarness.ReasonsOf(result, "bare"));
    }

    [Fact]
    public void Filter_RefusesEveryNode_WithTheMissingLabelReason_WhenNoNodeHasTheKey()
    {
        var h = Harness(Node("n1"), Node("n2"));
        var result = h.Schedule(Web().Spread(Spread("example.com/rack")));
        Assert.False(result.IsPlaced);
        Assert.Equal("0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints (missing required label).", result.Diagnostics.Summary);
        Assert.True(PodTopologySpread.IsUnresolvable(PodTopologySpread.MissingLabelCode));
        Assert.False(PodTopologySpread.IsUnresolvable(PodTopologySpread.SkewCode));
    }

    [Fact]
    public void Filter_IgnoresNodesLackingAnotherConstraintsKey_WhenCountingDomains()
    {
        // Counting needs every constraint's key: "norack" (zone c, no rack) is not eligible, so zone c is no domain.
        // Zone domains a=1, b=1 → minimum 1; a1: 1+1-1=1 kept. Were zone c counted, minimum 0 and a1: 2 > 1 refused.
        var h = Harness(
            InZone("a1", "a").Label("rack", "r1"),
            InZone("b1", "b").Label("rack", "r2"),
            InZone("norack", "c"));
        h.Place(Web(), "a1", "b1");
        var result = h.Schedule(Web().Spread(Spread(Zone)).Spread(Spread("rack", maxSkew: 5)));
        Assert.Equal(["a1", "b1"], Feasible(result));
        Assert.Equal([PodTopologySpread.NodeLabelNotMatchReason], SchedulerHarness.ReasonsOf(result, "norack"));
    }

    [Fact]
    public void Filter_ReportsTheFirstFailingConstraintInOrder()
    {
        // a2 is in zone a (2 matches, min 0: 2+1-0 = 3 > 1) and lacks the rack key. Zone first → the skew reason;
        // rack first → the missing-label reason, as Kubernetes checks constraints in order.
        var h = Harness(InZone("a1", "a").Label("rack", "r1"), InZone("a2", "a"), InZone("b1", "b").Label("rack", "r2"));
        h.Place(Web(), "a1", "a1");

        var zoneFirst = h.Schedule(Web().Spread(Spread(Zone)).Spread(Spread("rack", maxSkew: 5)));
        Assert.Equal([PodTopologySpread.ConstraintsNotMatchReason], SchedulerHarness.ReasonsOf(zoneFirst, "a2"));

        var rackFirst = h.Schedule(Web().Spread(Spread("rack", maxSkew: 5)).Spread(Spread(Zone)));
        Assert.Equal([PodTopologySpread.NodeLabelNotMatchReason], SchedulerHarness.ReasonsOf(rackFirst, "a2"));
        Assert.Equal(["b1"], Feasible(rackFirst));
    }

    [Fact]
    public void Filter_TakesGlobalMinimumAsZero_WhenEligibleDomainsAreFewerThanMinDomains()
    {
        // Two zones with one match each. Without minDomains: min 1, skew 1+1-1=1 ≤ 1 → both kept.
        // With minDomains 3 and only 2 domains: min 0, skew 1+1-0=2 > 1 → both refused.
        var h = Harness(InZone("a1", "a"), InZone("b1", "b"));
        h.Place(Web(), "a1", "b1");

        var without = h.Schedule(Web().Spread(Spread(Zone)));
        Assert.Equal(["a1", "b1"], Feasible(without));

        var with = h.Schedule(Web().Spread(Spread(Zone, minDomains: 3)));
        Assert.False(with.IsPlaced);
        Assert.Equal("0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints.", with.Diagnostics.Summary);

        // minDomains 2 is met by the 2 domains: the minimum stays 1.
        Assert.Equal(["a1", "b1"], Feasible(h.Schedule(Web().Spread(Spread(Zone, minDomains: 2)))));
    }

    [Fact]
    public void Filter_CountsOnlyNodesMatchingNodeSelector_WhenNodeAffinityPolicyIsHonor()
    {
        // Matches: a=0, b=1, c=1; the replica selects pool=x (b1, c1).
        // Honor: domains b, c → min 1; b1, c1: 1+1-1=1 kept; a1: 0+1-1=0 kept (this profile has no NodeAffinity filter).
        // Ignore: domains a, b, c → min 0; b1, c1: 1+1-0=2 refused; a1: 1 kept.
        var h = Harness(InZone("a1", "a"), InZone("b1", "b").Label("pool", "x"), InZone("c1", "c").Label("pool", "x"));
        h.Place(Web(), "b1", "c1");

        var honor = h.Schedule(Web().NodeSelector("pool", "x").Spread(Spread(Zone)));
        Assert.Equal(["a1", "b1", "c1"], Feasible(honor));

        var ignore = h.Schedule(Web().NodeSelector("pool", "x").Spread(Spread(Zone, affinityPolicy: NodeInclusionPolicy.Ignore)));
        Assert.Equal(["a1"], Feasible(ignore));
    }

    [Fact]
    public void Filter_CountsOnlyNodesMatchingRequiredNodeAffinity_WhenNodeAffinityPolicyIsHonor()
    {
        // Same counts as above, with required node affinity pool In [x] instead of a nodeSelector.
        var h = Harness(InZone("a1", "a"), InZone("b1", "b").Label("pool", "x"), InZone("c1", "c").Label("pool", "x"));
        h.Place(Web(), "b1", "c1");
        var required = new NodeSelector([new NodeSelectorTerm([new LabelRequirement("pool", SelectorOperator.In, ["x"])], [])]);
        var result = h.Schedule(Web().NodeAffinity(new Core.Specs.NodeAffinity(required, [])).Spread(Spread(Zone)));
        Assert.Equal(["a1", "b1", "c1"], Feasible(result));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Filter_LeavesOutCordonedOrNotReadyNodes_WhenNodeTaintsPolicyIsHonor(bool notReady)
    {
        // Kubernetes taints such nodes (unschedulable / not-ready, NoSchedule). Zone b's only node is one, so with Honor
        // only zone a counts: min 2, a1: 2+1-2=1 ≤ 1 kept. With Ignore zone b counts 0: a1: 2+1-0=3 refused.
        var b1 = notReady ? InZone("b1", "b").NotReady() : InZone("b1", "b").Cordoned();
        var h = Harness(InZone("a1", "a"), b1);
        h.Place(Web(), "a1", "a1");
        Assert.Equal(["a1", "b1"], Feasible(h.Schedule(Web().Spread(Spread(Zone, taintsPolicy: NodeInclusionPolicy.Honor)))));
        Assert.Equal(["b1"], Feasible(h.Schedule(Web().Spread(Spread(Zone, taintsPolicy: NodeInclusionPolicy.Ignore)))));
    }

    [Fact]
    public void Filter_LeavesOutNodesWithUntoleratedTaints_WhenNodeTaintsPolicyIsHonor()
    {
        // Matches: a=0 (a1 tainted NoSchedule), b=1, c=1.
        // Ignore (default): domains a, b, c → min 0; b1, c1: 2 > 1 refused; a1 kept.
        // Honor: a1 is not eligible, domains b, c → min 1; b1, c1: 1 kept; a1: 0+1-1=0 kept.
        var h = Harness(InZone("a1", "a").Taint("dedicated", "x"), InZone("b1", "b"), InZone("c1", "c"));
        h.Place(Web(), "b1", "c1");

        Assert.Equal(["a1"], Feasible(h.Schedule(Web().Spread(Spread(Zone)))));
        Assert.Equal(["a1", "b1", "c1"], Feasible(h.Schedule(Web().Spread(Spread(Zone, taintsPolicy: NodeInclusionPolicy.Honor)))));

        // A tolerated taint keeps a1 eligible: min 0 again.
        var tolerating = Web().Tolerate("dedicated", "x", TaintEffect.NoSchedule).Spread(Spread(Zone, taintsPolicy: NodeInclusionPolicy.Honor));
        Assert.Equal(["a1"], Feasible(h.Schedule(tolerating)));
    }

    [Fact]
    public void Filter_CountsOnlyReplicasWithTheSameMatchLabelKeysValues()
    {
        // Placed: 2 × app=web,version=v1 in zone a; 1 × app=web,version=v2 in zone b. Incoming version=v2.
        // With matchLabelKeys [version]: counts a=0, b=1, c=0 → min 0; a1, c1: 1 kept; b1: 2 refused.
        // Without: counts a=2, b=1, c=0 → min 0; a1: 3, b1: 2 refused; c1 kept.
        var h = Harness(InZone("a1", "a"), InZone("b1", "b"), InZone("c1", "c"));
        h.Place(Web("v1").Label("version", "v1"), "a1", "a1");
        h.Place(Web("v2").Label("version", "v2"), "b1");

        var keyed = h.Schedule(Web().Label("version", "v2").Spread(Spread(Zone, matchLabelKeys: ["version"])));
        Assert.Equal(["a1", "c1"], Feasible(keyed));

        var plain = h.Schedule(Web().Label("version", "v2").Spread(Spread(Zone)));
        Assert.Equal(["c1"], Feasible(plain));
    }

    [Fact]
    public void Filter_DoesNotCountReplicasOfOtherNamespaces()
    {
        // Two matching replicas in zone a, but in namespace "other": the incoming (default) replica counts a=0.
        var h = Harness(InZone("a1", "a"), InZone("b1", "b"));
        h.Place(Web().InNamespace("other"), "a1", "a1");
        Assert.Equal(["a1", "b1"], Feasible(h.Schedule(Web().Spread(Spread(Zone)))));

        // The same replicas in the incoming replica's namespace: a: 2+1-0=3 > 1 refused.
        Assert.Equal(["b1"], Feasible(h.Schedule(Web().InNamespace("other").Spread(Spread(Zone)))));
    }

    [Fact]
    public void Filter_CountsNothing_ForAnEmptySelector_AsKubernetes135Does()
    {
        // labelSelector {} has no requirements: v1.35 counts 0 existing replicas, the incoming one matches (1): skew 1.
        var h = Harness(InZone("a1", "a"), InZone("b1", "b"));
        h.Place(Web(), "a1", "a1", "a1");
        Assert.Equal(["a1", "b1"], Feasible(h.Schedule(Web().Spread(Spread(Zone, selector: LabelSelector.Everything)))));
    }

    [Fact]
    public void Filter_KeepsSkewWithinMaxSkew_WhenSchedulingManyReplicas()
    {
        // 7 replicas, maxSkew 1 over 3 zones of 2 nodes: the zone counts end 3/2/2 in some order.
        var nodes = new[] { "a", "b", "c" }.SelectMany(z => new NodeSpec[] { InZone($"{z}1", z), InZone($"{z}2", z) }).ToArray();
        var h = Harness(nodes);
        var chosen = h.ScheduleAll(Web().Replicas(7).Spread(Spread(Zone)));
        var perZone = chosen.GroupBy(n => n![0]).Select(g => g.Count()).Order().ToArray();
        Assert.Equal([2, 2, 3], perZone);
    }

    [Fact]
    public void PreFilter_Skips_WhenTheWorkloadHasNoDoNotScheduleConstraints()
    {
        var h = Harness(Node("bare"));
        var result = h.Schedule(Web().Spread(Spread(Zone, when: UnsatisfiableConstraintAction.ScheduleAnyway)));
        Assert.Equal("bare", result.NodeName);
    }

    [Fact]
    public void Score_PrefersTheZoneWithFewerMatches_NormalizedAsKubernetes()
    {
        // Zone domains of feasible nodes: a, b → weight ln(2+2) = 1.386. Counts: a=2, b=1; maxSkew 1 adds 0.
        // Raw: a1 = a2 = round(2×1.386) = round(2.773) = 3; b1 = round(1.386) = 1.
        // Normalized 100×(max+min−s)/max with max 3, min 1: a = 100×1/3 = 33, b1 = 100×3/3 = 100.
        var h = Harness(InZone("a1", "a"), InZone("a2", "a"), InZone("b1", "b"));
        h.Place(Web(), "a1", "a1", "b1");
        var result = h.Schedule(Web().Spread(Spread(Zone, when: UnsatisfiableConstraintAction.ScheduleAnyway)));
        Assert.Equal("b1", result.NodeName);
        Assert.Equal(33, SchedulerHarness.ScoreOf(result, "a1", PodTopologySpread.Name));
        Assert.Equal(33, SchedulerHarness.ScoreOf(result, "a2", PodTopologySpread.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "b1", PodTopologySpread.Name));
    }

    [Fact]
    public void Score_SumsZoneAndHostnameConstraints_AndGivesZeroToNodesLackingAKey()
    {
        // Soft constraints: zone (maxSkew 2, adds 1) and hostname (maxSkew 1, adds 0). "nozone" lacks the zone key: ignored.
        // Scored nodes: a1, a2, b1 → hostname weight ln(3+2) = 1.609; zone domains a, b → weight ln(4) = 1.386.
        // Zone counts (nozone's 3 replicas are not counted: not eligible): a = 1+2 = 3, b = 0.
        // a1: 3×1.386+1 + 1×1.609 = 6.768 → 7;  a2: 3×1.386+1 + 2×1.609 = 8.378 → 8;  b1: 0+1 + 0 = 1.
        // Normalized with max 8, min 1: a1 = 100×2/8 = 25, a2 = 100×1/8 = 12 (truncated), b1 = 100×8/8 = 100, nozone = 0.
        var h = Harness(InZone("a1", "a"), InZone("a2", "a"), InZone("b1", "b"), Node("nozone"));
        h.Place(Web(), "a1", "a2", "a2", "nozone", "nozone", "nozone");
        var result = h.Schedule(Web()
            .Spread(Spread(Zone, maxSkew: 2, when: UnsatisfiableConstraintAction.ScheduleAnyway))
            .Spread(Spread(Hostname, when: UnsatisfiableConstraintAction.ScheduleAnyway)));
        Assert.Equal("b1", result.NodeName);
        Assert.Equal(25, SchedulerHarness.ScoreOf(result, "a1", PodTopologySpread.Name));
        Assert.Equal(12, SchedulerHarness.ScoreOf(result, "a2", PodTopologySpread.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "b1", PodTopologySpread.Name));
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "nozone", PodTopologySpread.Name));
    }

    [Fact]
    public void Score_GivesZero_ToANodeLackingTheOnlyConstraintsKey()
    {
        // "nozone" is ignored: its replicas are not counted and it scores 0. Zone domains a, b → weight ln 4 = 1.386.
        // Raw: a1 = round(1×1.386) = 1, b1 = 0. Normalized with max 1, min 0: a1 = 100×0/1 = 0, b1 = 100×1/1 = 100.
        var h = Harness(InZone("a1", "a"), InZone("b1", "b"), Node("nozone"));
        h.Place(Web(), "a1", "nozone", "nozone", "nozone", "nozone", "nozone");
        var result = h.Schedule(Web().Spread(Spread(Zone, when: UnsatisfiableConstraintAction.ScheduleAnyway)));
        Assert.Equal("b1", result.NodeName);
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "a1", PodTopologySpread.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "b1", PodTopologySpread.Name));
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "nozone", PodTopologySpread.Name));
    }

    [Fact]
    public void Score_CountsPerNode_ForTheHostnameKey()
    {
        // 3 scored nodes → weight ln(3+2) = 1.609. Raw: n1 = round(2×1.609) = round(3.219) = 3, n2 = round(1.609) = 2, n3 = 0.
        // Normalized with max 3, min 0: n1 = 100×0/3 = 0, n2 = 100×1/3 = 33, n3 = 100×3/3 = 100.
        var h = Harness(Node("n1"), Node("n2"), Node("n3"));
        h.Place(Web(), "n1", "n1", "n2");
        var result = h.Schedule(Web().Spread(Spread(Hostname, when: UnsatisfiableConstraintAction.ScheduleAnyway)));
        Assert.Equal("n3", result.NodeName);
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "n1", PodTopologySpread.Name));
        Assert.Equal(33, SchedulerHarness.ScoreOf(result, "n2", PodTopologySpread.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "n3", PodTopologySpread.Name));
    }

    [Fact]
    public void Score_GivesEveryScoredNode100_WhenNoScoredDomainHasMatches()
    {
        // a1 is refused by the hard hostname constraint (2+1-0 = 3 > 1), so only zone b is a scored domain (weight ln 3)
        // and zone a's replicas are not counted. Raw b1 = b2 = 0×1.099 + 0 = 0; with max 0 every scored node gets 100.
        var h = Harness(InZone("a1", "a"), InZone("b1", "b"), InZone("b2", "b"));
        h.Place(Web(), "a1", "a1");
        var result = h.Schedule(Web()
            .Spread(Spread(Hostname))
            .Spread(Spread(Zone, when: UnsatisfiableConstraintAction.ScheduleAnyway)));
        Assert.Equal(["b1", "b2"], Feasible(result));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "b1", PodTopologySpread.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "b2", PodTopologySpread.Name));
    }

    [Fact]
    public void PreScore_Skips_WhenTheWorkloadHasNoScheduleAnywayConstraints()
    {
        var h = Harness(InZone("a1", "a"));
        var result = h.Schedule(Web().Spread(Spread(Zone)));
        Assert.False(result.Diagnostics.Nodes!.Single().Scores.ContainsKey(PodTopologySpread.Name));
    }
}
