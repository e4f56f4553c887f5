using BenchmarkDotNet.Attributes;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;

namespace Berth.Bench;

/// <summary>
/// One basic replica (P-default, 100m/500Mi) scheduled per operation on a prepared cluster, through the profile the
/// throughput harness uses; the memory diagnoser shows what one decision allocates.
/// </summary>
[MemoryDiagnoser]
public class SchedulingBenchmarks
{
    private ClusterSnapshot _snapshot = null!;
    private Scheduler _scheduler = null!;
    private ReplicaInfo _replica = null!;
    private int _index;

    /// <summary>Cluster size: N-base nodes (4 cpu, 32Gi, 110 pods).</summary>
    [Params(1000, 5000)]
    public int Nodes { get; set; }

    /// <summary>Builds the cluster with one P-default replica per node already placed, and checks a decision places.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _snapshot = ClusterSnapshot.Create(Shapes.Nodes(Nodes, []));
        _scheduler = SchedulerFactory.Create(Environment.ProcessorCount);
        var init = _snapshot.Compile(Shapes.Default("init", "namespace-1"));
        for (int i = 0; i < Nodes; i++)
        {
            _snapshot.Place(init, i, $"init-{i}");
        }
        _replica = _snapshot.Compile(Shapes.Default("measured", "namespace-2"));
        var result = _scheduler.Schedule(_snapshot, _replica, 0);
        if (!result.IsPlaced)
        {
            throw new InvalidOperationException($"setup: a basic replica must be placeable on {Nodes} nodes, got {result.Outcome}: {result.Diagnostics.Summary}");
        }
    }

    /// <summary>One scheduling decision (not committed, so every operation sees the same cluster).</summary>
    [Benchmark]
    public PlacementResult ScheduleBasicReplica() => _scheduler.Schedule(_snapshot, _replica, _index++);
}
