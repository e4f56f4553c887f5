using BenchmarkDotNet.Attributes;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;

namespace Berth.Bench;

/// <summary>
/// <see cref="Scheduler.WhyNot"/> (a plan applier's re-check of one planned placement) on the cluster of
/// <see cref="ClusterSnapshotCloneBenchmarks"/>, for three replica shapes, beside a full decision for the same replica.
/// </summary>
[MemoryDiagnoser]
public class WhyNotBenchmarks
{
    private ClusterSnapshot _snapshot = null!;
    private Scheduler _scheduler = null!;
    private ReplicaInfo _replica = null!;
    private int _node;

    /// <summary>The replica re-checked: P-default, P-spread (maxSkew 5 on zone) or P-anti (required anti-affinity on hostname).</summary>
    [Params("basic", "spread", "anti")]
    public string Shape { get; set; } = "basic";

    /// <summary>Builds 5,000 nodes with 100,000 replicas and picks the node a decision chooses for the replica.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _snapshot = ClusterSnapshotCloneBenchmarks.Build(5000, 100_000, interleaved: true);
        _scheduler = SchedulerFactory.Create(Environment.ProcessorCount);
        var spec = Shape switch
        {
            "spread" => Shapes.Spread("measured", "namespace-2", Berth.Core.Specs.UnsatisfiableConstraintAction.DoNotSchedule),
            "anti" => Shapes.AntiAffinity("measured", "namespace-2"),
            _ => Shapes.Default("measured", "namespace-2"),
        };
        _replica = _snapshot.Compile(spec);
        var result = _scheduler.Schedule(_snapshot, _replica);
        if (!result.IsPlaced || _scheduler.WhyNot(_snapshot, _replica, result.Node) is { } reason)
        {
            throw new InvalidOperationException($"setup: the {Shape} replica must fit where a decision places it: {result.Diagnostics.Summary}");
        }
        _node = result.Node;
    }

    /// <summary>Re-checks the planned node (it fits, so every filter runs).</summary>
    [Benchmark]
    public string? WhyNot() => _scheduler.WhyNot(_snapshot, _replica, _node);

    /// <summary>A full decision for the same replica, for scale.</summary>
    [Benchmark(Baseline = true)]
    public PlacementResult Schedule() => _scheduler.Schedule(_snapshot, _replica);
}
