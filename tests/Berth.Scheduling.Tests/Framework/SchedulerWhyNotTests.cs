using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Framework;

public class SchedulerWhyNotTests
{
    private static readonly string[] Zones = ["a", "b", "c"];

    private static SchedulerHarness Harness(params NodeSpec[] nodes) => new(nodes, BuiltInProfiles.Default);

    private static string? WhyNot(SchedulerHarness h, WorkloadSpec workload, string node) =>
        h.Scheduler.WhyNot(h.Snapshot, h.Snapshot.Compile(workload), h.Snapshot.IndexOf(node));

    [Fact]
    public void WhyNot_NodeWithRoom_ReturnsNull()
    {
        var h = Harness(Node("a"));

        Assert.Null(WhyNot(h, Workload().Requests(("cpu", "2")), "a"));
    }

    [Fact]
    public void WhyNot_NodeFull_NamesNodeResourcesFit()
    {
        var h = Harness(Node("a").Allocatable("cpu", "2"), Node("b"));
        h.Place(Workload("big").Requests(("cpu", "1500m")), "a");

        Assert.Equal("NodeResourcesFit: Insufficient cpu", WhyNot(h, Workload().Requests(("cpu", "1")), "a"));
        Assert.Null(WhyNot(h, Workload().Requests(("cpu", "1")), "b"));
    }

    [Fact]
    public void WhyNot_AntiAffinityHeld_NamesInterPodAffinity()
    {
        var h = Harness(Node("a"), Node("b"));
        var self = new ReplicaAffinityTerm(Selector(("app", "web")), [], null, WellKnownLabels.Hostname, [], []);
        var web = Workload("web").Label("app", "web").PodAntiAffinity(new ReplicaAffinity([self], [])).Build();
        h.Place(web, "a");

        Assert.Equal($"{InterPodAffinity.Name}: {InterPodAffinity.AntiAffinityRulesNotMatchMessage}", WhyNot(h, web, "a"));
        Assert.Null(WhyNot(h, web, "b"));
    }

    [Fact]
    public void WhyNot_UntoleratedTaint_NamesTaintToleration()
    {
        var h = Harness(Node("a").Taint("dedicated", "gpu"));

        Assert.Equal("TaintToleration: node(s) had untolerated taint {dedicated: gpu}", WhyNot(h, Workload(), "a"));
        Assert.Null(WhyNot(h, Workload().Tolerate("dedicated", "gpu", TaintEffect.NoSchedule), "a"));
    }

    [Fact]
    public void WhyNot_CordonedNode_NamesNodeUnschedulable()
    {
        var h = Harness(Node("a").Cordoned());

        Assert.Equal("NodeUnschedulable: node(s) were unschedulable", WhyNot(h, Workload(), "a"));
    }

    [Fact]
    public void WhyNot_NotReadyNode_NamesNodeReady()
    {
        var h = Harness(Node("a").NotReady());

        Assert.Equal("NodeReady: node(s) were not ready", WhyNot(h, Workload(), "a"));
    }

    [Fact]
    public void WhyNot_ReplicaPinnedToAnotherNode_NamesNodeName()
    {
        var h = Harness(Node("a"), Node("b"));

        var reason = WhyNot(h, Workload().OnNode("b"), "a");

        Assert.NotNull(reason);
        Assert.StartsWith("NodeName: ", reason);
        Assert.Null(WhyNot(h, Workload().OnNode("b"), "b"));
    }

    [Fact]
    public void WhyNot_NodeOutOfRange_Throws()
    {
        var h = Harness(Node("a"));

        Assert.Throws<ArgumentOutOfRangeException>(() => h.Scheduler.WhyNot(h.Snapshot, h.Snapshot.Compile(Workload()), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Scheduler.WhyNot(h.Snapshot, h.Snapshot.Compile(Workload()), -1));
    }

    [Fact]
    public void WhyNot_BetweenSchedules_DoesNotChangeTheirDecisions()
    {
        var nodes = Enumerable.Range(0, 8).Select(i => (NodeSpec)Node($"n{i}").Label(WellKnownLabels.Zone, Zones[i % 3])).ToArray();
        var spread = new TopologySpreadConstraint(1, WellKnownLabels.Zone, UnsatisfiableConstraintAction.DoNotSchedule,
            Selector(("app", "web")), null, NodeInclusionPolicy.Honor, NodeInclusionPolicy.Ignore, []);
        var web = Workload("web").Label("app", "web").Replicas(6).Spread(spread).Build();
        var plain = new SchedulerHarness(nodes, BuiltInProfiles.Default);
        var probed = new SchedulerHarness(nodes, BuiltInProfiles.Default);
        var plainInfo = plain.Snapshot.Compile(web);
        var probedInfo = probed.Snapshot.Compile(web);

        for (int r = 0; r < web.Replicas; r++)
        {
            var expected = plain.Scheduler.Schedule(plain.Snapshot, plainInfo, r);
            for (int node = 0; node < nodes.Length; node++)
            {
                probed.Scheduler.WhyNot(probed.Snapshot, probedInfo, node, r);
            }
            var actual = probed.Scheduler.Schedule(probed.Snapshot, probedInfo, r);
            Assert.Equal(expected.NodeName, actual.NodeName);
            plain.Snapshot.Place(plainInfo, expected.Node, $"web-{r}");
            probed.Snapshot.Place(probedInfo, actual.Node, $"web-{r}");
        }
    }

    /// <summary>A cluster and workloads drawn from a seed, with every filter given something to refuse.</summary>
    private static (NodeSpec[] Nodes, WorkloadSpec[] Workloads) Draw(Random random)
    {
        var nodes = new NodeSpec[random.Next(2, 25)];
        for (int i = 0; i < nodes.Length; i++)
        {
            var node = Node($"n{i}")
                .Label(WellKnownLabels.Zone, Zones[random.Next(Zones.Length)])
                .Allocatable("cpu", $"{random.Next(1, 5)}")
                .Allocatable("memory", $"{random.Next(1, 9)}Gi")
                .Allocatable("pods", $"{random.Next(1, 8)}");
            if (random.Next(4) == 0)
            {
                node.Taint("dedicated", "gpu");
            }
            if (random.Next(4) == 0)
            {
                node.Allocatable("nvidia.com/gpu", $"{random.Next(1, 3)}");
            }
            if (random.Next(10) == 0)
            {
                node.Cordoned();
            }
            if (random.Next(10) == 0)
            {
                node.NotReady();
            }
            nodes[i] = node;
        }
        var workloads = new WorkloadSpec[random.Next(2, 7)];
        for (int w = 0; w < workloads.Length; w++)
        {
            var workload = Workload($"w{w}").Label("app", $"w{w}").Replicas(random.Next(1, 10))
                .Requests(("cpu", $"{random.Next(1, 2500)}m"), ("memory", $"{random.Next(1, 3000)}Mi"));
            if (random.Next(4) == 0)
            {
                workload.Requests(("cpu", "100m"), ("nvidia.com/gpu", random.Next(2) == 0 ? "500m" : "1"));
            }
            if (random.Next(4) == 0)
            {
                workload.NodeSelector(WellKnownLabels.Zone, Zones[random.Next(Zones.Length)]);
            }
            if (random.Next(8) == 0)
            {
                workload.OnNode($"n{random.Next(nodes.Length)}");
            }
            else if (random.Next(6) == 0)
            {
                // Node affinity on metadata.name: NodeAffinity's PreFilter names the only nodes to filter, and refuses
                // the rest before earlier filters see them.
                var named = new LabelRequirement(NodeSelectorTerm.NodeNameField, SelectorOperator.In, [$"n{random.Next(nodes.Length)}", $"n{random.Next(nodes.Length)}"]);
                workload.NodeAffinity(new Berth.Core.Specs.NodeAffinity(new NodeSelector([new NodeSelectorTerm([], [named])]), []));
            }
            if (random.Next(3) == 0)
            {
                workload.Tolerate("dedicated", "gpu", TaintEffect.NoSchedule);
            }
            if (random.Next(3) == 0)
            {
                var self = new ReplicaAffinityTerm(Selector(("app", $"w{w}")), [], null, WellKnownLabels.Hostname, [], []);
                workload.PodAntiAffinity(new ReplicaAffinity([self], []));
            }
            if (w > 0 && random.Next(5) == 0)
            {
                var near = new ReplicaAffinityTerm(Selector(("app", $"w{random.Next(w)}")), [], null, WellKnownLabels.Zone, [], []);
                workload.PodAffinity(new ReplicaAffinity([near], []));
            }
            if (random.Next(3) == 0)
            {
                workload.Spread(new TopologySpreadConstraint(1, WellKnownLabels.Zone, UnsatisfiableConstraintAction.DoNotSchedule,
                    Selector(("app", $"w{w}")), null, NodeInclusionPolicy.Honor, NodeInclusionPolicy.Ignore, []));
            }
            workloads[w] = workload;
        }
        return (nodes, workloads);
    }

    /// <summary>
    /// For every node of randomized clusters, as replicas are placed and removed: WhyNot accepts exactly the nodes an
    /// explained Schedule finds feasible, and for the others names the plugin and reasons the explanation gives.
    /// </summary>
    [Fact]
    public void WhyNot_EveryNodeOfRandomClusters_AgreesWithSchedule()
    {
        int checkedNodes = 0, refused = 0;
        var refusingPlugins = new HashSet<string>(StringComparer.Ordinal);
        for (int seed = 1; seed <= 150; seed++)
        {
            var random = new Random(seed);
            var (nodes, workloads) = Draw(random);
            var snapshot = ClusterSnapshot.Create(nodes);
            // Preemption runs in Schedule's post-filter, which WhyNot leaves out: the explanation's per-node
            // verdicts come from the filters either way.
            using var scheduler = new Scheduler(BuiltInProfiles.Default with { Seed = seed }, options: new SchedulerOptions(1 + seed % 2, MinNodesPerWorker: 4));
            var placed = new List<PlacedReplica>();
            foreach (var workload in workloads)
            {
                var info = snapshot.Compile(workload);
                for (int r = 0; r < workload.Replicas; r++)
                {
                    var result = scheduler.Schedule(snapshot, info, r, explain: true);
                    var evaluations = result.Diagnostics.Nodes!;
                    for (int node = 0; node < nodes.Length; node++)
                    {
                        var evaluation = evaluations[node];
                        string? why = scheduler.WhyNot(snapshot, info, node, r);
                        string? expected = evaluation.Feasible ? null : $"{evaluation.RefusedBy}: {string.Join(", ", evaluation.Reasons)}";
                        Assert.True(expected == why, $"seed {seed}, {workload.Name}-{r} on {evaluation.Node}: Schedule says '{expected ?? "fits"}', WhyNot '{why ?? "fits"}'");
                        checkedNodes++;
                        if (why is not null)
                        {
                            refused++;
                            refusingPlugins.Add(evaluation.RefusedBy!);
                        }
                    }
                    if (result.IsPlaced)
                    {
                        foreach (var victim in result.Victims)
                        {
                            snapshot.Remove(victim);
                            placed.Remove(victim);
                        }
                        placed.Add(snapshot.Place(info, result.Node, $"{workload.Name}-{r}"));
                    }
                    if (placed.Count > 0 && random.Next(4) == 0)
                    {
                        var gone = placed[random.Next(placed.Count)];
                        snapshot.Remove(gone);
                        placed.Remove(gone);
                    }
                }
            }
        }

        // The drawn clusters exercise both answers and most filters.
        Assert.True(refused > 0 && refused < checkedNodes, $"{refused} of {checkedNodes} refused");
        Assert.Superset(new HashSet<string>(["NodeReady", "NodeUnschedulable", "TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity"]), refusingPlugins);
    }

    [Fact]
    public void WhyNot_OnCloneAfterPlacementsElsewhere_ReChecksAgainstLatestState()
    {
        var h = Harness(Node("a").Allocatable("cpu", "2"), Node("b").Allocatable("cpu", "2"));
        var work = h.Snapshot.Compile(Workload("work").Requests(("cpu", "1500m")));
        var planning = h.Snapshot.Clone();
        var plan = h.Scheduler.Schedule(planning, work);
        Assert.True(plan.IsPlaced);

        // Another plan took the node meanwhile.
        h.Snapshot.Place(work, plan.Node, "other-0");

        Assert.Null(h.Scheduler.WhyNot(planning, work, plan.Node));
        Assert.Equal("NodeResourcesFit: Insufficient cpu", h.Scheduler.WhyNot(h.Snapshot, work, plan.Node));
    }
}
