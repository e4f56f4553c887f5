using System.Diagnostics;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Simulation;

namespace Berth.Bench;

/// <summary>
/// The ATC '23 "Beware of Fragmentation" protocol on the openb trace: per seed, the pod list is topped up by drawing
/// pods from it at random until the GPUs asked for reach tune × the cluster's GPUs, shuffled, then placed one by one
/// with no departures, through <see cref="Simulator"/> (so <c>berth simulate</c> decides the same for the same order).
/// The measure is the GPU allocation ratio each time the GPUs asked for so far reach another percent of capacity.
/// </summary>
internal static class OpenbRun
{
    /// <summary>The arrived loads (% of GPU capacity) the summary reports.</summary>
    public static readonly int[] Checkpoints = [90, 100, 110, 130];

    /// <summary>One seed's run.</summary>
    /// <param name="AllocationByArrived">Index k: allocated GPU as % of capacity once arrived requests reach k% of capacity.</param>
    /// <param name="SharePackingCeilingPct">The seed's <see cref="SharePackingBound"/> at 100% arrived.</param>
    public sealed record SeedResult(int Seed, int Pods, int Placed, double[] AllocationByArrived, double Seconds, double SharePackingCeilingPct);

    /// <summary>The cluster's GPU capacity in thousandths.</summary>
    public static long CapacityMilli(IReadOnlyList<NodeSpec> nodes) =>
        nodes.Sum(n => (long)decimal.Floor(n.Allocatable.Get(Berth.Core.Resources.ResourceNames.NvidiaGpu).Amount)) * 1000;

    /// <summary>The pods of one seed, in arrival order: the list topped up at random to tune × capacity, then shuffled.</summary>
    public static List<OpenbTrace.Pod> Arrivals(IReadOnlyList<OpenbTrace.Pod> pods, long capacityMilli, double tune, int seed)
    {
        var random = new Random(seed);
        var list = new List<OpenbTrace.Pod>(pods);
        long asked = pods.Sum(p => p.GpuMilli);
        long target = (long)Math.Ceiling(tune * capacityMilli);
        while (asked < target && pods.Count > 0)
        {
            var pod = pods[random.Next(pods.Count)];
            list.Add(pod);
            asked += pod.GpuMilli;
        }
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }

    /// <summary>The arrivals of one seed as the scenario <c>berth simulate</c> runs.</summary>
    public static Berth.Scheduling.Simulation.Scenario SimulationScenario(IReadOnlyList<NodeSpec> nodes, IReadOnlyList<OpenbTrace.Pod> arrivals, SchedulingProfile profile, int seed) =>
        new(profile with { Seed = seed }, nodes, new Dictionary<string, IReadOnlyDictionary<string, string>>(), [], [],
            [.. arrivals.Select((p, i) => OpenbTrace.Workload(p, WorkloadName(p, i)))]);

    /// <summary>Unique per arrival (a pod drawn twice arrives twice).</summary>
    public static string WorkloadName(OpenbTrace.Pod pod, int index) => $"a{index:D5}-{pod.Name}";

    /// <summary>Runs one seed.</summary>
    public static SeedResult Run(IReadOnlyList<NodeSpec> nodes, IReadOnlyList<OpenbTrace.Pod> pods, SchedulingProfile profile, int seed, double tune)
    {
        long capacity = CapacityMilli(nodes);
        var arrivals = Arrivals(pods, capacity, tune, seed);
        var scenario = SimulationScenario(nodes, arrivals, profile, seed);
        var watch = Stopwatch.StartNew();
        // One thread per run: the cluster is small enough that hand-off costs more than it saves; seeds run in parallel.
        var report = new Simulator(options: new SchedulerOptions(1)).Run(scenario);
        double seconds = watch.Elapsed.TotalSeconds;

        int maxPercent = (int)Math.Floor(tune * 100 + 1e-9);
        var allocation = new double[maxPercent + 1];
        Array.Fill(allocation, double.NaN);
        long arrived = 0, allocated = 0;
        int next = 0, placed = 0;
        for (int i = 0; i < arrivals.Count; i++)
        {
            arrived += arrivals[i].GpuMilli;
            if (report.Placements[i].IsPlaced)
            {
                allocated += arrivals[i].GpuMilli;
                placed++;
            }
            while (next <= maxPercent && arrived * 100 >= next * capacity)
            {
                allocation[next++] = 100.0 * allocated / capacity;
            }
        }
        return new SeedResult(seed, arrivals.Count, placed, allocation, seconds, SharePackingBound.CeilingPct(arrivals, capacity));
    }
}
