using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class InterPodAffinityTests
{
    private const string Zone = "topology.kubernetes.io/zone";
    private const string Hostname = "kubernetes.io/hostname";

    private static SchedulerHarness Harness(params NodeSpec[] nodes) =>
        new(nodes, SchedulerHarness.Only([InterPodAffinity.Name], InterPodAffinity.Name));

    private static SchedulerHarness Harness(InterPodAffinityArgs args, params NodeSpec[] nodes) =>
        new(nodes, new SchedulingProfile("t", [new(InterPodAffinity.Name)], [new(InterPodAffinity.Name, 1, args)], [], Tiebreak.First));

    /// <summary>Nodes a, b in zone z1, c in z2, d in z3.</summary>
    private static NodeSpec[] FourNodesThreeZones() =>
    [
        Node("a").Label(Zone, "z1"), Node("b").Label(Zone, "z1"), Node("c").Label(Zone, "z2"), Node("d").Label(Zone, "z3"),
    ];

    private static ReplicaAffinityTerm Term(LabelSelector? selector, string topologyKey, IReadOnlyList<string>? namespaces = null,
        LabelSelector? namespaceSelector = null, IReadOnlyList<string>? matchLabelKeys = null, IReadOnlyList<string>? mismatchLabelKeys = null) =>
        new(selector, namespaces ?? [], namespaceSelector, topologyKey, matchLabelKeys ?? [], mismatchLabelKeys ?? []);

    private static ReplicaAffinity Required(params ReplicaAffinityTerm[] terms) => new(terms, []);

    private static ReplicaAffinity Preferred(params (int Weight, ReplicaAffinityTerm Term)[] terms) =>
        new([], [.. terms.Select(t => new WeightedAffinityTerm(t.Weight, t.Term))]);

    private static IReadOnlyList<string> Feasible(Berth.Scheduling.Framework.PlacementResult result) =>
        [.. result.Diagnostics.Nodes!.Where(n => n.Reasons.Count == 0).Select(n => n.Node)];

    [Fact]
    public void Filter_AcceptsOnlyTheZoneOfAMatchingReplica_WhenAffinityIsRequired()
    {
        var h = Harness(FourNodesThreeZones());
        h.Place(Workload("db").Label("app", "db"), "a");
        var result = h.Schedule(Workload("web").Label("app", "web").PodAffinity(Required(Term(Selector(("app", "db")), Zone))));
        Assert.Equal(["a", "b"], Feasible(result));
        Assert.Equal(["node(s) didn't match pod affinity rules"], SchedulerHarness.ReasonsOf(result, "c"));
        Assert.Equal(2, result.Diagnostics.RefusedByPlugin[InterPodAffinity.Name]);
    }

    [Fact]
    public void Filter_RefusesEveryNode_WhenNoReplicaMatchesAndTheReplicaDoesNotMatchItself()
    {
        var h = Harness(FourNodesThreeZones());
        var result = h.Schedule(Workload("web").Label("app", "web").PodAffinity(Required(Term(Selector(("app", "db")), Zone))));
        Assert.False(result.IsPlaced);
        Assert.Equal("0/4 nodes are available: 4 node(s) didn't match pod affinity rules.", result.Diagnostics.Summary);
    }

    [Fact]
    public void Filter_AdmitsTheFirstReplica_WhenItMatchesItsOwnAffinity_ThenKeepsTheRestInItsZone()
    {
        // The first replica matches its own term and nothing else does: every node with the key is allowed (e has none).
        // Once a replica runs in z2, only z2 qualifies.
        var h = Harness([.. FourNodesThreeZones(), Node("e").WithoutLabel(Zone)]);
        var web = Workload("web").Label("app", "web").Replicas(3).PodAffinity(Required(Term(Selector(("app", "web")), Zone))).Build();
        var first = h.Schedule(web);
        Assert.Equal(["a", "b", "c", "d"], Feasible(first));
        Assert.Equal(["node(s) didn't match pod affinity rules"], SchedulerHarness.ReasonsOf(first, "e"));

        h.Place(web, "c");
        var second = h.Schedule(web);
        Assert.Equal(["c"], Feasible(second));
    }

    [Fact]
    public void Filter_RefusesNodeWithoutTheTopologyKey_EvenWhenAMatchingReplicaRunsOnIt()
    {
        var h = Harness(Node("a").Label(Zone, "z1"), Node("nozone"));
        h.Place(Workload("db").Label("app", "db"), "nozone");
        var result = h.Schedule(Workload("web").PodAffinity(Required(Term(Selector(("app", "db")), Zone))));
        // The db replica sits on a node without the key, so it counts in no zone; web does not match itself.
        Assert.False(result.IsPlaced);
        Assert.Equal(["node(s) didn't match pod affinity rules"], SchedulerHarness.ReasonsOf(result, "nozone"));
    }

    [Fact]
    public void Filter_RequiresAReplicaMatchingAllTerms_InEachTermsDomain()
    {
        // Kubernetes counts a replica only when it matches every required affinity term.
        var h = Harness(Node("a").Label(Zone, "z1"), Node("b").Label(Zone, "z2"));
        h.Place(Workload("db").Label("app", "db"), "a");
        h.Place(Workload("cache").Label("tier", "cache"), "a");
        var result = h.Schedule(Workload("web").PodAffinity(Required(
            Term(Selector(("app", "db")), Zone), Term(Selector(("tier", "cache")), Zone))));
        Assert.False(result.IsPlaced);
    }

    [Fact]
    public void Filter_SpreadsReplicasOverHosts_WithRequiredAntiAffinityToThemselves()
    {
        var h = Harness(Node("a"), Node("b"), Node("c"));
        var web = Workload("web").Label("app", "web").Replicas(5).PodAntiAffinity(Required(Term(Selector(("app", "web")), Hostname))).Build();
        var chosen = h.ScheduleAll(web);
        Assert.Equal(["a", "b", "c", null, null], chosen); // the fifth reuses the fourth's counts (same snapshot version)
        var fourth = h.Schedule(web);
        Assert.Equal("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.", fourth.Diagnostics.Summary);
    }

    [Fact]
    public void Filter_RefusesTheZone_WhereAPlacedReplicasAntiAffinityMatchesTheIncomingOne()
    {
        var h = Harness(FourNodesThreeZones());
        h.Place(Workload("db").Label("app", "db").PodAntiAffinity(Required(Term(Selector(("app", "web")), Zone))), "a");
        var result = h.Schedule(Workload("web").Label("app", "web"));
        Assert.Equal(["c", "d"], Feasible(result));
        Assert.Equal(["node(s) didn't satisfy existing pods anti-affinity rules"], SchedulerHarness.ReasonsOf(result, "b"));
    }

    [Fact]
    public void Filter_IgnoresAPlacedReplicasAntiAffinity_WhenItDoesNotMatchTheIncomingNamespace()
    {
        // db's term has no namespaces: it covers only db's own namespace "data", not web's "default".
        var h = Harness(FourNodesThreeZones());
        h.Place(Workload("db").InNamespace("data").Label("app", "db").PodAntiAffinity(Required(Term(Selector(("app", "web")), Zone))), "a");
        var result = h.Schedule(Workload("web").Label("app", "web"));
        Assert.Equal(["a", "b", "c", "d"], Feasible(result));
    }

    public static TheoryData<string, string[]?, LabelSelector?, string[]> NamespaceCases => new()
    {
        // name, term namespaces, namespace selector, feasible nodes (db runs on a in namespace "data")
        { "own namespace only", null, null, [] },
        { "namespaces list", ["data"], null, ["a"] },
        { "namespaces list without data", ["other"], null, [] },
        { "namespace selector matching data", null, Selector(("team", "storage")), ["a"] },
        { "namespace selector matching nothing", null, Selector(("team", "web")), [] },
        { "empty namespace selector: all namespaces", null, LabelSelector.Everything, ["a"] },
    };

    [Theory]
    [MemberData(nameof(NamespaceCases))]
    public void Filter_CountsReplicasOfTheTermsNamespaces(string name, string[]? namespaces, LabelSelector? namespaceSelector, string[] feasible)
    {
        _ = name;
        var namespaceLabels = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["data"] = new Dictionary<string, string> { ["team"] = "storage" },
            ["default"] = new Dictionary<string, string> { ["team"] = "web" },
        };
        var h = new SchedulerHarness([Node("a"), Node("b")], SchedulerHarness.Only([InterPodAffinity.Name], InterPodAffinity.Name), namespaceLabels);
        h.Place(Workload("db").InNamespace("data").Label("app", "db"), "a");
        var result = h.Schedule(Workload("web").Label("app", "web")
            .PodAffinity(Required(Term(Selector(("app", "db")), Hostname, namespaces, namespaceSelector))));
        Assert.Equal(feasible, Feasible(result));
    }

    [Fact]
    public void Filter_AddsTheIncomingReplicasLabelValues_ForMatchLabelKeys()
    {
        // app=web plus version In [v1] (web's own version): only the v1 replica on c counts.
        var h = Harness(FourNodesThreeZones());
        h.Place(Workload("web-v2").Label("app", "web").Label("version", "v2"), "a");
        h.Place(Workload("web-v1").Label("app", "web").Label("version", "v1"), "c");
        var result = h.Schedule(Workload("web").Label("app", "web").Label("version", "v1")
            .PodAffinity(Required(Term(Selector(("app", "web")), Zone, matchLabelKeys: ["version"]))));
        Assert.Equal(["c"], Feasible(result));
    }

    [Fact]
    public void Filter_AddsNotInRequirements_ForMismatchLabelKeys()
    {
        // Anti-affinity to app=web with version NotIn [v1]: only the v2 replica in z1 repels.
        var h = Harness(FourNodesThreeZones());
        h.Place(Workload("web-v2").Label("app", "web").Label("version", "v2"), "a");
        h.Place(Workload("web-v1").Label("app", "web").Label("version", "v1"), "c");
        var result = h.Schedule(Workload("web").Label("app", "web").Label("version", "v1")
            .PodAntiAffinity(Required(Term(Selector(("app", "web")), Zone, mismatchLabelKeys: ["version"]))));
        Assert.Equal(["c", "d"], Feasible(result));
    }

    [Fact]
    public void Score_PreferredAffinity_NormalizesWeightTimesMatchingReplicasPerZone()
    {
        // Weight 10 per db replica in the zone: z1 has 2 → 20, z2 has 1 → 10, z3 → 0.
        // Normalized (s - 0) * 100 / (20 - 0): a, b = 100, c = 50, d = 0.
        var h = Harness(FourNodesThreeZones());
        h.Place(Workload("db").Label("app", "db"), "a", "a", "c");
        var result = h.Schedule(Workload("web").PodAffinity(Preferred((10, Term(Selector(("app", "db")), Zone)))));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "a", InterPodAffinity.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "b", InterPodAffinity.Name));
        Assert.Equal(50, SchedulerHarness.ScoreOf(result, "c", InterPodAffinity.Name));
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "d", InterPodAffinity.Name));
    }

    [Fact]
    public void Score_PreferredAntiAffinity_FavoursZonesWithoutMatchingReplicas()
    {
        // Weight 5 against each db replica: z1 → -10, z2 → -5, z3 → 0. Min -10, max 0:
        // a, b = 0, c = (-5 + 10) * 100 / 10 = 50, d = 100.
        var h = Harness(FourNodesThreeZones());
        h.Place(Workload("db").Label("app", "db"), "a", "b", "c");
        var result = h.Schedule(Workload("web").PodAntiAffinity(Preferred((5, Term(Selector(("app", "db")), Zone)))));
        Assert.Equal("d", result.NodeName);
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "a", InterPodAffinity.Name));
        Assert.Equal(50, SchedulerHarness.ScoreOf(result, "c", InterPodAffinity.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "d", InterPodAffinity.Name));
    }

    [Fact]
    public void Score_Normalization_TruncatesTheFloatingPointQuotientAsKubernetesDoes()
    {
        // Raw: z2 = 29 (db), z3 = 100 (cache), z1 = 0. Kubernetes: 100 * (29 / 100.0) = 28.999999999999996 → 28
        // (integer arithmetic would say 29).
        var h = Harness(FourNodesThreeZones());
        h.Place(Workload("db").Label("app", "db"), "c");
        h.Place(Workload("cache").Label("app", "cache"), "d");
        var result = h.Schedule(Workload("web").PodAffinity(Preferred(
            (29, Term(Selector(("app", "db")), Zone)), (100, Term(Selector(("app", "cache")), Zone)))));
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "a", InterPodAffinity.Name));
        Assert.Equal(28, SchedulerHarness.ScoreOf(result, "c", InterPodAffinity.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "d", InterPodAffinity.Name));
    }

    [Fact]
    public void Score_CountsPlacedReplicasTerms_WithTheDefaultHardPodAffinityWeight()
    {
        // db requires web in its zone (hard weight 1) → z1 = 1; cache prefers web in its zone with weight 3 → z2 = 3;
        // queue prefers web away with weight 2 → z3 = -2. Min -2, max 3, diff 5:
        // a = (1 + 2) * 100 / 5 = 60, c = 100, d = 0.
        var h = Harness(FourNodesThreeZones());
        h.Place(Workload("db").Label("app", "db").PodAffinity(Required(Term(Selector(("app", "web")), Zone))), "a");
        h.Place(Workload("cache").Label("app", "cache").PodAffinity(Preferred((3, Term(Selector(("app", "web")), Zone)))), "c");
        h.Place(Workload("queue").Label("app", "queue").PodAntiAffinity(Preferred((2, Term(Selector(("app", "web")), Zone)))), "d");
        var result = h.Schedule(Workload("web").Label("app", "web"));
        Assert.Equal(60, SchedulerHarness.ScoreOf(result, "a", InterPodAffinity.Name));
        Assert.Equal(60, SchedulerHarness.ScoreOf(result, "b", InterPodAffinity.Name));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "c", InterPodAffinity.Name));
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "d", InterPodAffinity.Name));
    }

    [Fact]
    public void Score_WeighsPlacedReplicasRequiredAffinity_ByHardPodAffinityWeight()
    {
        // Hard weight 10: z1 = 10, z2 = 3 (cache's preferred), z3 = 0 → a = 100, c = 3 * 100 / 10 = 30, d = 0.
        var h = Harness(new InterPodAffinityArgs(HardPodAffinityWeight: 10), FourNodesThreeZones());
        h.Place(Workload("db").Label("app", "db").PodAffinity(Required(Term(Selector(("app", "web")), Zone))), "a");
        h.Place(Workload("cache").Label("app", "cache").PodAffinity(Preferred((3, Term(Selector(("app", "web")), Zone)))), "c");
        var result = h.Schedule(Workload("web").Label("app", "web"));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "a", InterPodAffinity.Name));
        Assert.Equal(30, SchedulerHarness.ScoreOf(result, "c", InterPodAffinity.Name));
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "d", InterPodAffinity.Name));
    }

    [Fact]
    public void Score_IsSkipped_WhenNoTermMatches()
    {
        // Hard weight 0 leaves db's required term out of scoring; nothing else matches, so the plugin does not score.
        var h = Harness(new InterPodAffinityArgs(HardPodAffinityWeight: 0), FourNodesThreeZones());
        h.Place(Workload("db").Label("app", "db").PodAffinity(Required(Term(Selector(("app", "web")), Zone))), "a");
        var result = h.Schedule(Workload("web").Label("app", "web"));
        Assert.True(result.IsPlaced);
        Assert.DoesNotContain(InterPodAffinity.Name, result.Diagnostics.Nodes!.Single(n => n.Node == "a").Scores.Keys);
    }

    [Fact]
    public void Args_RejectHardPodAffinityWeightOutOfRange() =>
        Assert.Throws<ProfileException>(() => new InterPodAffinity(new InterPodAffinityArgs(HardPodAffinityWeight: 101)));
}
