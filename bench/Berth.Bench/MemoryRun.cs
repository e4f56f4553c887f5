using System.Diagnostics;
using Berth.Core.Specs;
using Berth.Scheduling.Snapshot;

namespace Berth.Bench;

/// <summary>
/// Managed heap of a large cluster: 10,000 nodes (three zones) holding 100,000 replicas of five workloads, ten per node,
/// plus a scheduler that has run decisions against it. Target: under 300 MB.
/// </summary>
internal static class MemoryRun
{
    /// <summary>Decisions run after filling the cluster, so the scheduler's per-cluster-size buffers are in the heap too.</summary>
    private const int Decisions = 200;

    /// <summary>Fills the cluster and reports the managed heap after a full collection.</summary>
    public static ThroughputResult Run(int nodes, int replicas, int parallelism)
    {
        double baselineMB = GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024.0);
        var snapshot = ClusterSnapshot.Create(Shapes.Nodes(nodes, ["moon-1", "moon-2", "moon-3"]));
        using var scheduler = SchedulerFactory.Create(parallelism);
        WorkloadSpec[] workloads =
        [
            Shapes.Default("web", "team-a"),
            Shapes.Default("api", "team-a"),
            Shapes.PreferredAntiAffinity("cache", "team-b"),
            Shapes.Spread("worker", "team-b", UnsatisfiableConstraintAction.ScheduleAnyway),
            Shapes.NodeAffinityPod("batch", "team-c"),
        ];
        var infos = workloads.Select(snapshot.Compile).ToArray();

        // Placed directly in round-robin order (replica r of every workload on node r mod nodes), so every node holds
        // exactly replicas/nodes replicas; this measures what the snapshot holds, not a placement policy.
        var watch = Stopwatch.StartNew();
        int perWorkload = replicas / infos.Length;
        int placed = 0;
        for (int w = 0; w < infos.Length; w++)
        {
            int count = w == infos.Length - 1 ? replicas - perWorkload * (infos.Length - 1) : perWorkload;
            for (int r = 0; r < count; r++)
            {
                snapshot.Place(infos[w], (w + r * infos.Length) % nodes, $"{workloads[w].Name}-{r}");
                placed++;
            }
        }
        double fillSeconds = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"memory: placed {placed} replicas on {nodes} nodes in {fillSeconds:F2} s");

        // Decisions through the scheduler (not committed), to bring its buffers into the heap and time a big cluster.
        var probe = snapshot.Compile(Shapes.Default("probe", "team-d"));
        var latencies = new long[Decisions];
        int feasible = 0;
        for (int i = 0; i < Decisions; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            feasible += scheduler.Schedule(snapshot, probe, i).IsPlaced ? 1 : 0;
            latencies[i] = Stopwatch.GetTimestamp() - t0;
        }
        Array.Sort(latencies);
        double p99 = latencies[(int)Math.Ceiling(0.99 * Decisions) - 1] * 1000.0 / Stopwatch.Frequency;

        double managedMB = GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024.0);
        GC.KeepAlive(snapshot);
        GC.KeepAlive(scheduler);
        Console.Error.WriteLine($"memory: {feasible}/{Decisions} probe decisions found a node, p99 {p99:F3} ms (10,000-node cluster)");
        Console.Error.WriteLine($"memory: managed heap {managedMB:F1} MB after a full collection (process baseline before the cluster {baselineMB:F1} MB); "
            + $"target < 300 MB: {(managedMB < 300 ? "met" : "NOT MET")}");
        return new ThroughputResult("memory", nodes, replicas, placed, Math.Round(fillSeconds, 4),
            Math.Round(fillSeconds > 0 ? placed / fillSeconds : 0, 1), Math.Round(p99, 4), Math.Round(managedMB, 1));
    }
}
