using System.Diagnostics;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;

namespace Berth.Bench;

/// <summary>
/// Places a scenario's measured replicas one by one through the whole pipeline (PreFilter → Filter → PostFilter when
/// nothing fits → PreScore → Score → NormalizeScore → select), committing each decision to the snapshot before the next,
/// and times every decision.
/// </summary>
internal static class ThroughputRun
{
    /// <summary>Nodes of the JIT warm-up snapshot: enough for two filter chunks, so the parallel path is compiled too.</summary>
    private const int WarmUpNodes = 2048;

    /// <summary>Measured replicas of the warm-up run.</summary>
    private const int WarmUpPods = 1000;

    /// <summary>
    /// Warms the JIT up on a separate small snapshot of the same scenario, so that the measured run does not pay for
    /// tier-0 code, on-stack replacement and the first tier-1 compilations (a long-running scheduler never does), then
    /// gives the background compiler a moment to install the tier-1 code.
    /// </summary>
    public static void WarmUp(Scenario scenario, int nodes, int init, int pods, int parallelism, int percentageOfNodesToScore = 100)
    {
        int warmNodes = Math.Min(nodes, WarmUpNodes);
        int warmInit = (int)((long)init * warmNodes / nodes);
        int warmPods = Math.Min(pods, WarmUpPods);
        var watch = Stopwatch.StartNew();
        Run(scenario, warmNodes, warmPods, warmInit, parallelism, quiet: true, percentageOfNodesToScore);
        Thread.Sleep(300);
        Console.Error.WriteLine($"warm-up: {warmNodes} nodes, {warmInit} init, {warmPods} measured in {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Builds the cluster, places the init replicas (not timed), then times the measured replicas.</summary>
    /// <param name="percentageOfNodesToScore">The profile's percentageOfNodesToScore: 100 (every node, the default profile's) or 0 to 99.</param>
    public static ThroughputResult Run(Scenario scenario, int nodes, int pods, int init, int parallelism, bool quiet, int percentageOfNodesToScore = 100)
    {
        void Log(string line)
        {
            if (!quiet)
            {
                Console.Error.WriteLine(line);
            }
        }

        var snapshot = ClusterSnapshot.Create(Shapes.Nodes(nodes, scenario.Zones, scenario.ExtendedResourceNodes));
        using var scheduler = SchedulerFactory.Create(parallelism, percentageOfNodesToScore);
        Log($"{scenario.Name}: {nodes} nodes, profile '{scheduler.Profile.Name}', parallelism {parallelism}");
        if (percentageOfNodesToScore != 100)
        {
            Log($"percentageOfNodesToScore {percentageOfNodesToScore}: {FeasibleNodeSampling.NumFeasibleNodesToFind(percentageOfNodesToScore, nodes)} feasible nodes to find of {nodes}");
        }

        // Init replicas go through the scheduler too, as in scheduler_perf, but outside the clock.
        var initWatch = Stopwatch.StartNew();
        foreach (var group in scenario.Init(init))
        {
            var info = snapshot.Compile(group.Workload);
            int unplaced = 0;
            for (int i = 0; i < group.Count; i++)
            {
                var result = scheduler.Schedule(snapshot, info, i);
                if (result.IsPlaced)
                {
                    Commit(snapshot, info, result, $"{group.Workload.Name}-{i}");
                }
                else
                {
                    unplaced++;
                }
            }
            Log($"  init {group.Workload.Namespace}/{group.Workload.Name}: {group.Count - unplaced}/{group.Count} placed"
                + (unplaced > 0 ? $" (WARNING: {unplaced} unplaced)" : ""));
        }
        Log($"  init done in {initWatch.Elapsed.TotalSeconds:F1} s");

        // Everything a measured decision needs is prepared here, as scheduler_perf creates the pods before they are
        // scheduled: compiled workloads (one per distinct spec), replica indexes, names, and the latency array.
        var workloads = scenario.Measured(pods);
        var infos = new ReplicaInfo[pods];
        var indexes = new int[pods];
        var names = new string[pods];
        var compiled = new Dictionary<WorkloadSpec, (ReplicaInfo Info, int Next)>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < pods; i++)
        {
            var workload = workloads[i];
            (ReplicaInfo Info, int Next) entry = compiled.TryGetValue(workload, out var known) ? known : (snapshot.Compile(workload), 0);
            infos[i] = entry.Info;
            indexes[i] = entry.Next;
            names[i] = $"{workload.Name}-{entry.Next}";
            compiled[workload] = (entry.Info, entry.Next + 1);
        }
        var huge = scenario.HugeEvery > 0 ? snapshot.Compile(Shapes.Huge("huge", "namespace-2")) : null;
        var latencies = new long[pods];
        int placed = 0, hugeAttempts = 0, hugePlaced = 0, evicted = 0;
        long hugeTicks = 0;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        long start = Stopwatch.GetTimestamp();
        long nextReport = start + 2 * Stopwatch.Frequency;
        for (int i = 0; i < pods; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var result = scheduler.Schedule(snapshot, infos[i], indexes[i]);
            if (result.IsPlaced)
            {
                Commit(snapshot, infos[i], result, names[i]);
                placed++;
                evicted += result.Victims.Count;
            }
            long t1 = Stopwatch.GetTimestamp();
            latencies[i] = t1 - t0;

            if (huge is not null && (i + 1) % scenario.HugeEvery == 0)
            {
                // The churn pod: never fits, so every attempt runs all filters and a failing preemption attempt.
                // Its time is inside the total (throughput is measured while churn happens, as in Kubernetes) but
                // it is neither counted as placed nor recorded as a measured latency.
                var attempt = scheduler.Schedule(snapshot, huge, hugeAttempts++);
                if (attempt.IsPlaced)
                {
                    hugePlaced++;
                }
                hugeTicks += Stopwatch.GetTimestamp() - t1;
            }
            if (!quiet && t1 > nextReport)
            {
                double elapsed = (double)(t1 - start) / Stopwatch.Frequency;
                Log($"  {i + 1}/{pods} in {elapsed:F1} s ({placed / elapsed:F0} pods/s)");
                nextReport = t1 + 2 * Stopwatch.Frequency;
            }
        }
        double seconds = (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency;

        Array.Sort(latencies);
        double p50 = TicksToMs(Percentile(latencies, 0.50));
        double p99 = TicksToMs(Percentile(latencies, 0.99));
        double max = pods > 0 ? TicksToMs(latencies[^1]) : 0;
        double managedMB = GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024.0);
        GC.KeepAlive(snapshot);
        GC.KeepAlive(scheduler);

        Log($"  measured: {placed}/{pods} placed in {seconds:F3} s = {placed / seconds:F0} pods/s; "
            + $"latency p50 {p50:F3} ms, p99 {p99:F3} ms, max {max:F3} ms; managed heap {managedMB:F1} MB");
        if (evicted > 0)
        {
            Log($"  preemption: {evicted} replicas evicted by the measured ones ({(double)evicted / Math.Max(1, placed):F2} per placed replica)");
        }
        if (huge is not null)
        {
            Log($"  churn: {hugeAttempts} P-huge attempts, {hugePlaced} placed (expected 0), "
                + $"{(hugeAttempts > 0 ? TicksToMs(hugeTicks) / hugeAttempts : 0):F3} ms each on average");
        }
        if (placed < pods)
        {
            Log($"  WARNING: {pods - placed} measured replicas were not placed");
        }
        return new ThroughputResult(scenario.Name, nodes, pods, placed, Math.Round(seconds, 4),
            Math.Round(seconds > 0 ? placed / seconds : 0, 1), Math.Round(p99, 4), Math.Round(managedMB, 1));
    }

    /// <summary>Commits a decision: evicts the preemption victims, if any, then places the replica.</summary>
    private static void Commit(ClusterSnapshot snapshot, ReplicaInfo info, PlacementResult result, string name)
    {
        foreach (var victim in result.Victims)
        {
            snapshot.Remove(victim);
        }
        snapshot.Place(info, result.Node, name);
    }

    private static long Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double TicksToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
