using BenchmarkDotNet.Attributes;
using Berth.Core.Specs;
using Berth.Scheduling.Snapshot;

namespace Berth.Bench;

/// <summary>
/// <see cref="ClusterSnapshot.Clone"/> at issue 4's scale: 5,000 N-base nodes in three zones and 100,000 placed
/// replicas of 1,000 workloads (every tenth spread on zone, the rest P-default); the memory diagnoser shows what one
/// copy allocates.
/// </summary>
[MemoryDiagnoser]
public class ClusterSnapshotCloneBenchmarks
{
    private ClusterSnapshot _snapshot = null!;

    /// <summary>Cluster size in nodes.</summary>
    [Params(5000)]
    public int Nodes { get; set; }

    /// <summary>Placed replicas, 100 per workload.</summary>
    [Params(100_000)]
    public int Replicas { get; set; }

    /// <summary>
    /// False: workloads placed one after another. True: the replicas of all workloads placed in a shuffled order, as
    /// concurrent planners commit them (the copy keeps each list's order by copying it whole, so both should cost the same).
    /// </summary>
    [Params(false, true)]
    public bool Interleaved { get; set; }

    /// <summary>Builds the cluster and places every replica on a random node (seeded).</summary>
    [GlobalSetup]
    public void Setup() => _snapshot = Build(Nodes, Replicas, Interleaved);

    /// <summary>One independent copy of the snapshot.</summary>
    [Benchmark]
    public ClusterSnapshot Clone() => _snapshot.Clone();

    /// <summary>The benchmark cluster: nodes in three zones, replicas of 100 per workload placed on seeded random nodes.</summary>
    internal static ClusterSnapshot Build(int nodes, int replicas, bool interleaved)
    {
        const int PerWorkload = 100;
        var snapshot = ClusterSnapshot.Create(Shapes.Nodes(nodes, ["zone1", "zone2", "zone3"]));
        int workloads = replicas / PerWorkload;
        var infos = new Scheduling.Framework.ReplicaInfo[workloads];
        for (int w = 0; w < workloads; w++)
        {
            var spec = w % 10 == 0
                ? Shapes.Spread($"spread-{w}", "namespace-1", UnsatisfiableConstraintAction.ScheduleAnyway)
                : Shapes.Default($"basic-{w}", "namespace-1");
            infos[w] = snapshot.Compile(spec);
        }
        var order = new (int Workload, int Replica)[workloads * PerWorkload];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = (i / PerWorkload, i % PerWorkload);
        }
        var random = new Random(4);
        if (interleaved)
        {
            random.Shuffle(order);
        }
        foreach (var (w, r) in order)
        {
            snapshot.Place(infos[w], random.Next(nodes), $"{infos[w].Workload.Name}-{r}");
        }
        return snapshot;
    }
}
