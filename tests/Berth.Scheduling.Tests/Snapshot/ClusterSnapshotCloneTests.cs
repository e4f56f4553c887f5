using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Snapshot;

public class ClusterSnapshotCloneTests
{
    private static readonly string[] Zones = ["a", "b", "c"];

    /// <summary>Three nodes in zones a, a, b; the last has two GPUs.</summary>
    private static ClusterSnapshot ThreeNodes() => ClusterSnapshot.Create(
    [
        Node("n0").Label(WellKnownLabels.Zone, "a"),
        Node("n1").Label(WellKnownLabels.Zone, "a"),
        Node("n2").Label(WellKnownLabels.Zone, "b").Allocatable("nvidia.com/gpu", "2"),
    ]);

    private static WorkloadSpec Web() => Workload("web").Label("app", "web").Replicas(3)
        .Requests(("cpu", "1"), ("memory", "1Gi"), ("nvidia.com/gpu", "1"));

    /// <summary>Everything a placement changes, read back as plain values.</summary>
    private static string State(ClusterSnapshot snapshot)
    {
        var lines = new List<string> { $"version {snapshot.Version}" };
        for (int node = 0; node < snapshot.NodeCount; node++)
        {
            var resources = string.Join(" ", snapshot.Resources.Select(c => $"{c.Name}={c.Requested(node)}"));
            var replicas = string.Join(",", snapshot.ReplicasOn(node).Select(r => $"{r.Key}[{string.Join("+", r.Devices)}]"));
            var devices = string.Join(",", Enumerable.Range(0, snapshot.Gpus.DeviceCount(node)).Select(d => snapshot.Gpus.Free(node, d)));
            lines.Add($"{snapshot.Node(node).Name}: {resources} nz={snapshot.NonZeroRequestedCpu[node]}/{snapshot.NonZeroRequestedMemory[node]} gpus={devices} replicas={replicas}");
        }
        foreach (var group in snapshot.Groups)
        {
            var counts = string.Join(",", group.CountByNode.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{kv.Value}"));
            lines.Add($"group {group.Index} {group.Info.Workload.Name}: {string.Join(",", group.Replicas.Select(r => r.Name))} counts={counts}");
        }
        return string.Join("\n", lines);
    }

    [Fact]
    public void Clone_Fresh_HasTheSameState()
    {
        var original = ThreeNodes();
        var web = original.Compile(Web());
        original.Place(web, 2, "web-0");
        original.Place(web, 0, "web-1");

        var clone = original.Clone();

        Assert.Equal(State(original), State(clone));
        Assert.Equal(original.NodeCount, clone.NodeCount);
        Assert.Same(original.Node(1), clone.Node(1));
    }

    [Fact]
    public void Place_OnClone_LeavesOriginalUnchanged()
    {
        var original = ThreeNodes();
        var web = original.Compile(Web());
        original.Place(web, 0, "web-0");
        var before = State(original);
        var clone = original.Clone();

        clone.Place(web, 2, "web-1");
        clone.Place(clone.Compile(Workload("db").Label("app", "db")), 0, "db-0");

        Assert.Equal(before, State(original));
        Assert.Equal(1000, clone.Cpu.Requested(2));
        Assert.Equal(1100, clone.Cpu.Requested(0));
        Assert.Equal(1000, original.Cpu.Requested(0));
        Assert.Equal(0, original.Cpu.Requested(2));
        Assert.Single(original.Groups);
        Assert.Equal(2, clone.Groups.Count);
        Assert.Equal(1, clone.Groups[0].CountByNode[2]);
        Assert.False(original.Groups[0].CountByNode.ContainsKey(2));
        Assert.Equal(0, clone.Gpus.Free(2, 0));
        Assert.Equal(1000, original.Gpus.Free(2, 0));
    }

    [Fact]
    public void Remove_OnOriginal_LeavesCloneUnchanged()
    {
        var original = ThreeNodes();
        var web = original.Compile(Web());
        var first = original.Place(web, 2, "web-0");
        original.Place(web, 1, "web-1");
        var clone = original.Clone();
        var before = State(clone);

        original.Remove(first);
        original.Place(web, 0, "web-2");

        Assert.Equal(before, State(clone));
        Assert.Equal(1000, clone.Cpu.Requested(2));
        Assert.Equal(0, original.Cpu.Requested(2));
        Assert.Equal(2, clone.Groups[0].Count);
        Assert.Equal(0, clone.Gpus.Free(2, 0));
        Assert.Equal(1000, original.Gpus.Free(2, 0));
    }

    [Fact]
    public void Remove_ReplicaPlacedBeforeTheCopy_RemovesItFromThatSnapshotOnly()
    {
        var original = ThreeNodes();
        var web = original.Compile(Web());
        var placed = original.Place(web, 2, "web-0");
        var clone = original.Clone();

        clone.Remove(placed);

        Assert.Empty(clone.ReplicasOn(2));
        Assert.Equal(0, clone.Groups[0].Count);
        Assert.Equal(0, clone.Cpu.Requested(2));
        Assert.Equal(1000, clone.Gpus.Free(2, 0));
        Assert.Same(placed, original.Find(placed));
        Assert.Equal(1, original.Groups[0].Count);
        Assert.Equal(1000, original.Cpu.Requested(2));
        Assert.Equal(0, original.Gpus.Free(2, 0));
    }

    [Fact]
    public void Remove_ReplicaPlacedOnBothCopiesSeparately_MatchesItByName()
    {
        var original = ThreeNodes();
        var web = original.Compile(Web());
        var clone = original.Clone();
        // A plan made on the copy, then applied to the original: two objects for one replica.
        var planned = clone.Place(web, 1, "web-0");
        var applied = original.Place(web, 1, "web-0");

        Assert.Same(applied, original.Find(planned));
        Assert.Same(planned, clone.Find(applied));
        original.Remove(planned);

        Assert.Null(original.Find(planned));
        Assert.Empty(original.ReplicasOn(1));
        Assert.Equal(0, original.Cpu.Requested(1));
        Assert.Same(planned, clone.Find(planned));
        Assert.Throws<InvalidOperationException>(() => original.Remove(applied));
    }

    [Fact]
    public void Find_ReplicaOnAnotherNodeOrNamespace_ReturnsNull()
    {
        var original = ThreeNodes();
        var placed = original.Place(original.Compile(Web()), 0, "web-0");
        var clone = original.Clone();
        var elsewhere = clone.Place(clone.Compile(Workload("web").InNamespace("other")), 0, "web-0");
        var otherNode = clone.Place(clone.Compile(Web()), 1, "web-0");

        Assert.Null(original.Find(elsewhere));
        Assert.Null(original.Find(otherNode));
        Assert.Same(placed, clone.Find(placed));
    }

    [Fact]
    public void Clone_OfClone_KeepsReplicaOrderOnNodesAndInGroups()
    {
        var original = ThreeNodes();
        var a = original.Compile(Workload("a").Label("app", "a").Replicas(10));
        var b = original.Compile(Workload("b").Label("app", "b").Replicas(10));
        // Interleave the workloads on node 0 so per-node order differs from group order.
        var placed = new List<PlacedReplica>();
        for (int i = 0; i < 6; i++)
        {
            placed.Add(original.Place(i % 3 == 0 ? a : b, i % 2, $"r-{i}"));
        }
        original.Place(a, 0, "late-a");
        original.Remove(placed[2]);

        var clone = original.Clone().Clone();

        Assert.Equal(State(original), State(clone));
    }

    [Fact]
    public void Place_ReplicaWithUnknownResourceOnClone_AddsColumnToCloneOnly()
    {
        var original = ThreeNodes();
        var clone = original.Clone();
        var odd = clone.Compile(Workload("odd").Requests(("cpu", "100m"), ("example.com/fpga", "1")));

        clone.Place(odd, 0, "odd-0");

        Assert.NotNull(clone.Resource("example.com/fpga"));
        Assert.Null(original.Resource("example.com/fpga"));
        Assert.Equal(1, clone.Resource("example.com/fpga")!.Requested(0));
        // The original adds another such column first, so the two copies number their added columns differently.
        original.Place(original.Compile(Workload("asic").Requests(("example.com/asic", "1"))), 2, "asic-0");
        original.Place(odd, 1, "odd-1");
        Assert.Equal(0, clone.Resource("example.com/fpga")!.Requested(1));
        Assert.Equal(1, original.Resource("example.com/fpga")!.Requested(1));
    }

    [Fact]
    public void Compile_OnCopyWithAddedColumn_ReplicaServesTheOriginalToo()
    {
        var original = ThreeNodes();
        var clone = original.Clone();
        clone.Place(clone.Compile(Workload("odd").Requests(("example.com/fpga", "1"))), 0, "odd-0");

        var again = clone.Compile(Workload("odd2").Requests(("cpu", "100m"), ("example.com/fpga", "1")));

        using var scheduler = new Scheduler(BuiltInProfiles.Default with { PostFilters = [] });
        Assert.Equal("NodeResourcesFit: Insufficient example.com/fpga", scheduler.WhyNot(original, again, 2));
        Assert.Equal("NodeResourcesFit: Insufficient example.com/fpga", scheduler.WhyNot(clone, again, 2));
        Assert.Equal(scheduler.Schedule(original, again).Diagnostics.Summary, scheduler.Schedule(clone, again).Diagnostics.Summary);
        original.Place(again, 1, "odd2-0");
        Assert.Equal(1, original.Resource("example.com/fpga")!.Requested(1));
    }

    /// <summary>A cluster and workloads drawn from a seed: resources, zones, taints, cordons, GPUs, selectors, affinity and spread.</summary>
    private static (NodeSpec[] Nodes, WorkloadSpec[] Workloads) Draw(int seed)
    {
        var random = new Random(seed);
        var nodes = new NodeSpec[random.Next(3, 30)];
        for (int i = 0; i < nodes.Length; i++)
        {
            var node = Node($"n{i}")
                .Label(WellKnownLabels.Zone, Zones[random.Next(Zones.Length)])
                .Allocatable("cpu", $"{random.Next(1, 9)}")
                .Allocatable("memory", $"{random.Next(1, 17)}Gi")
                .Allocatable("pods", $"{random.Next(1, 12)}");
            if (random.Next(4) == 0)
            {
                node.Taint("dedicated", "gpu");
            }
            if (random.Next(5) == 0)
            {
                node.Allocatable("nvidia.com/gpu", $"{random.Next(1, 5)}");
            }
            if (random.Next(10) == 0)
            {
                node.Cordoned();
            }
            if (random.Next(12) == 0)
            {
                node.NotReady();
            }
            nodes[i] = node;
        }
        var workloads = new WorkloadSpec[random.Next(2, 7)];
        for (int w = 0; w < workloads.Length; w++)
        {
            var workload = Workload($"w{w}").Label("app", $"w{w}").Replicas(random.Next(1, 12)).Priority(random.Next(3) * 100)
                .Requests(("cpu", $"{random.Next(1, 2000)}m"), ("memory", $"{random.Next(1, 4000)}Mi"));
            if (random.Next(4) == 0)
            {
                workload.Requests(("cpu", "100m"), ("nvidia.com/gpu", random.Next(2) == 0 ? "500m" : "1"));
            }
            if (random.Next(3) == 0)
            {
                workload.NodeSelector(WellKnownLabels.Zone, Zones[random.Next(Zones.Length)]);
            }
            if (random.Next(4) == 0)
            {
                workload.NodeAffinity(new Berth.Core.Specs.NodeAffinity(null,
                    [new PreferredSchedulingTerm(10, new NodeSelectorTerm([new LabelRequirement(WellKnownLabels.Zone, SelectorOperator.In, [Zones[random.Next(Zones.Length)]])], []))]));
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
            if (w > 0 && random.Next(4) == 0)
            {
                var near = new ReplicaAffinityTerm(Selector(("app", $"w{random.Next(w)}")), [], null, WellKnownLabels.Zone, [], []);
                workload.PodAffinity(new ReplicaAffinity([], [new WeightedAffinityTerm(50, near)]));
            }
            if (random.Next(3) == 0)
            {
                workload.Spread(new TopologySpreadConstraint(1, WellKnownLabels.Zone,
                    random.Next(2) == 0 ? UnsatisfiableConstraintAction.DoNotSchedule : UnsatisfiableConstraintAction.ScheduleAnyway,
                    Selector(("app", $"w{w}")), null, NodeInclusionPolicy.Honor, NodeInclusionPolicy.Ignore, []));
            }
            workloads[w] = workload;
        }
        return (nodes, workloads);
    }

    private static string Decision(PlacementResult result) =>
        $"{result.Outcome} {result.NodeName} victims=[{string.Join(",", result.Victims.Select(v => v.Key))}] feasible={result.Diagnostics.FeasibleNodes}";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    public void Schedule_OnCloneAndOriginal_DecidesTheSame(int seed)
    {
        var (nodes, workloads) = Draw(seed);
        var profile = BuiltInProfiles.Default with { Seed = seed };
        var original = ClusterSnapshot.Create(nodes);
        // Half the workloads run before the copy is taken; the rest are scheduled on both, replica by replica.
        int before = workloads.Length / 2;
        using (var warmup = new Scheduler(profile))
        {
            for (int w = 0; w < before; w++)
            {
                ScheduleAll(warmup, original, original.Compile(workloads[w]), null, null);
            }
        }
        var clone = original.Clone();
        using var onOriginal = new Scheduler(profile);
        using var onClone = new Scheduler(profile);
        int decisions = 0;
        for (int w = before; w < workloads.Length; w++)
        {
            var info = original.Compile(workloads[w]);
            decisions += ScheduleAll(onOriginal, original, info, onClone, clone);
        }

        Assert.True(decisions > 0);
        Assert.Equal(State(original), State(clone));
    }

    /// <summary>Schedules and places every replica; with a second scheduler and snapshot, checks each decision matches there and applies it there too.</summary>
    private static int ScheduleAll(Scheduler scheduler, ClusterSnapshot snapshot, ReplicaInfo info, Scheduler? otherScheduler, ClusterSnapshot? other)
    {
        int count = 0;
        for (int r = 0; r < info.Workload.Replicas; r++)
        {
            var result = scheduler.Schedule(snapshot, info, r);
            if (other is not null)
            {
                var mirrored = otherScheduler!.Schedule(other, info, r);
                Assert.Equal(Decision(result), Decision(mirrored));
                count++;
            }
            if (!result.IsPlaced)
            {
                continue;
            }
            foreach (var victim in result.Victims)
            {
                snapshot.Remove(victim);
                // The victim belongs to the first snapshot; the second finds its own by name.
                other?.Remove(victim);
            }
            snapshot.Place(info, result.Node, $"{info.Workload.Name}-{r}");
            other?.Place(info, result.Node, $"{info.Workload.Name}-{r}");
        }
        return count;
    }

    [Fact]
    public void Clone_SchedulersOnCopiesInParallel_DecideAsOnOneThread()
    {
        var (nodes, workloads) = Draw(42);
        var profile = BuiltInProfiles.Default with { PostFilters = [], Seed = 42 };
        var original = ClusterSnapshot.Create(nodes);
        var copies = Enumerable.Range(0, 4).Select(_ => original.Clone()).ToArray();
        var infos = workloads.Select(original.Compile).ToArray();

        string Plan(ClusterSnapshot snapshot)
        {
            using var scheduler = new Scheduler(profile);
            var decisions = new List<string>();
            foreach (var info in infos)
            {
                for (int r = 0; r < info.Workload.Replicas; r++)
                {
                    var result = scheduler.Schedule(snapshot, info, r);
                    decisions.Add(Decision(result));
                    if (result.IsPlaced)
                    {
                        snapshot.Place(info, result.Node, $"{info.Workload.Name}-{r}");
                    }
                }
            }
            return string.Join("\n", decisions);
        }

        // The copies share label columns, whose node sets are built on first use: build them from several threads at once.
        var parallel = copies.AsParallel().WithDegreeOfParallelism(4).Select(Plan).ToArray();
        string sequential = Plan(original);

        Assert.All(parallel, plan => Assert.Equal(sequential, plan));
    }
}
