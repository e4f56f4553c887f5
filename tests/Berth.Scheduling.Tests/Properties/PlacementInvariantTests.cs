using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;
using FsCheck;
using FsCheck.Xunit;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Properties;

/// <summary>
/// Whatever the cluster and the workloads, every decision of the default profile keeps the hard rules: no node
/// over-committed, selectors and taints honoured, required anti-affinity kept, and the same decisions on one thread
/// as on several. Clusters and workloads are drawn from a seed, so a failing case replays from its seed.
/// </summary>
public class PlacementInvariantTests
{
    private static readonly string[] Zones = ["a", "b", "c"];

    private static (NodeSpec[] Nodes, WorkloadSpec[] Workloads) Draw(int seed)
    {
        var random = new Random(seed);
        var nodes = new NodeSpec[random.Next(3, 40)];
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
            nodes[i] = node;
        }
        var workloads = new WorkloadSpec[random.Next(1, 6)];
        for (int w = 0; w < workloads.Length; w++)
        {
            var workload = Workload($"w{w}").Label("app", $"w{w}").Replicas(random.Next(1, 15))
                .Requests(("cpu", $"{random.Next(1, 2000)}m"), ("memory", $"{random.Next(1, 4000)}Mi"));
            if (random.Next(4) == 0)
            {
                workload.Requests(("cpu", "100m"), ("nvidia.com/gpu", random.Next(2) == 0 ? "500m" : "1"));
            }
            if (random.Next(3) == 0)
            {
                workload.NodeSelector(WellKnownLabels.Zone, Zones[random.Next(Zones.Length)]);
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
            if (random.Next(3) == 0)
            {
                workload.Spread(new TopologySpreadConstraint(1, WellKnownLabels.Zone, UnsatisfiableConstraintAction.DoNotSchedule,
                    Selector(("app", $"w{w}")), null, NodeInclusionPolicy.Honor, NodeInclusionPolicy.Ignore, []));
            }
            workloads[w] = workload;
        }
        return (nodes, workloads);
    }

    private static List<(WorkloadSpec Workload, string? Node)> Run(int seed, int parallelism)
    {
        var (nodes, workloads) = Draw(seed);
        var profile = BuiltInProfiles.Default with { Seed = seed };
        var snapshot = ClusterSnapshot.Create(nodes);
        using var scheduler = new Scheduler(profile, options: new SchedulerOptions(parallelism, MinNodesPerWorker: 4));
        var decisions = new List<(WorkloadSpec, string?)>();
        foreach (var workload in workloads)
        {
            var info = snapshot.Compile(workload);
            for (int r = 0; r < workload.Replicas; r++)
            {
                var result = scheduler.Schedule(snapshot, info, r);
                if (result.IsPlaced)
                {
                    foreach (var victim in result.Victims)
                    {
                        snapshot.Remove(victim);
                    }
                    snapshot.Place(info, result.Node, $"{workload.Name}-{r}");
                }
                decisions.Add((workload, result.NodeName));
            }
        }
        CheckInvariants(snapshot, nodes);
        return decisions;
    }

    private static void CheckInvariants(ClusterSnapshot snapshot, NodeSpec[] nodes)
    {
        for (int node = 0; node < snapshot.NodeCount; node++)
        {
            foreach (var column in snapshot.Resources)
            {
                Assert.True(column.Requested(node) <= column.Allocatable(node),
                    $"node {nodes[node].Name} over-committed on {column.Name}: {column.Requested(node)} > {column.Allocatable(node)}");
            }
            for (int device = 0; device < snapshot.Gpus.DeviceCount(node); device++)
            {
                Assert.InRange(snapshot.Gpus.Free(node, device), 0, 1000);
            }
            var spec = nodes[node];
            foreach (var replica in snapshot.ReplicasOn(node))
            {
                var workload = replica.Info.Workload;
                Assert.False(spec.Unschedulable, $"{replica.Key} placed on cordoned {spec.Name}");
                foreach (var (key, value) in workload.NodeSelector)
                {
                    Assert.Equal(value, spec.Labels.GetValueOrDefault(key));
                }
                foreach (var taint in spec.Taints.Where(t => t.Effect == TaintEffect.NoSchedule))
                {
                    Assert.Contains(workload.Tolerations, t => t.Tolerates(taint));
                }
                if (workload.Affinity.PodAntiAffinity.Required.Count > 0)
                {
                    Assert.Equal(1, snapshot.ReplicasOn(node).Count(r => ReferenceEquals(r.Info, replica.Info)));
                }
            }
        }
        foreach (var group in snapshot.Groups.Where(g => g.Info.Workload.TopologySpreadConstraints.Count > 0))
        {
            // maxSkew 1 over the zones of the nodes the workload may use (nodeAffinityPolicy Honor), empty zones included.
            var workload = group.Info.Workload;
            var eligible = nodes.Where(n => workload.NodeSelector.All(kv => n.Labels.GetValueOrDefault(kv.Key) == kv.Value)).ToList();
            var perZone = eligible.Select(n => n.Labels[WellKnownLabels.Zone]).Distinct().ToDictionary(z => z, _ => 0);
            foreach (var replica in group.Replicas)
            {
                perZone[nodes[replica.Node].Labels[WellKnownLabels.Zone]]++;
            }
            Assert.True(perZone.Values.Max() - perZone.Values.Min() <= 1, $"{workload.Name} skewed: {string.Join(", ", perZone)}");
        }
    }

    [Property(MaxTest = 60)]
    public void DefaultProfile_KeepsEveryHardRule(PositiveInt seed) => Run(seed.Get, parallelism: 1);

    [Property(MaxTest = 20)]
    public void DefaultProfile_DecidesTheSame_OnOneThreadAndOnFour(PositiveInt seed)
    {
        var serial = Run(seed.Get, parallelism: 1).Select(d => d.Node).ToList();
        var parallel = Run(seed.Get, parallelism: 4).Select(d => d.Node).ToList();
        Assert.Equal(serial, parallel);
    }
}
