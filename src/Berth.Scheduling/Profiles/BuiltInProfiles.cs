using Berth.Scheduling.Plugins;

namespace Berth.Scheduling.Profiles;

/// <summary>
/// The profiles users ask for by name: <c>default</c> (Kubernetes' default profile), <c>binpack</c>, <c>spread</c>,
/// <c>random</c>, <c>gpu-fragmentation</c> and the GPU baselines <c>gpu-bestfit</c>, <c>gpu-packing</c>, <c>gpu-dotproduct</c>.
/// </summary>
public static class BuiltInProfiles
{
    /// <summary>Kubernetes' default filters, in Kubernetes' order (a node is refused by the first that fails), plus NodeReady, GpuDeviceFit and ReservationFit.</summary>
    /// <remarks>
    /// NodeReady stands where Kubernetes relies on the not-ready taint; it comes first because it is the cheapest test.
    /// GpuDeviceFit follows NodeResourcesFit: once the GPU total fits, it checks the devices (it skips replicas without GPUs).
    /// ReservationFit follows them: a node without room at all reads as NodeResourcesFit's refusal, one whose room is
    /// reserved for others as ReservationFit's (it skips every replica while no reservation is active).
    /// </remarks>
    public static readonly IReadOnlyList<PluginReference> DefaultFilters =
    [
        new("NodeReady"),
        new("NodeUnschedulable"),
        new("NodeName"),
        new("TaintToleration"),
        new("NodeAffinity"),
        new("NodeResourcesFit"),
        new("GpuDeviceFit"),
        new("ReservationFit"),
        new("PodTopologySpread"),
        new("InterPodAffinity"),
    ];

    /// <summary>Kubernetes v1.35's default score plugins and weights.</summary>
    public static readonly IReadOnlyList<ScorePluginReference> DefaultScores =
    [
        new("TaintToleration", 3),
        new("NodeAffinity", 2),
        new("PodTopologySpread", 2),
        new("InterPodAffinity", 2),
        new("NodeResourcesFit", 1),
        new("NodeResourcesBalancedAllocation", 1),
    ];

    /// <summary>
    /// Kubernetes' default profile (spreads load with LeastAllocated, preempts when nothing fits) plus GpuFragmentation,
    /// which scores GPU replicas only: replicas without GPUs are placed exactly as Kubernetes places them.
    /// </summary>
    public static SchedulingProfile Default { get; } = new("default", DefaultFilters, [.. DefaultScores, new("GpuFragmentation", 100)], [new("DefaultPreemption")]);

    /// <summary>Packs replicas onto the fullest nodes that fit (MostAllocated), leaving whole nodes free.</summary>
    public static SchedulingProfile BinPack { get; } = Default with
    {
        Name = "binpack",
        Scores =
        [
            new("TaintToleration", 3),
            new("NodeAffinity", 2),
            new("PodTopologySpread", 2),
            new("InterPodAffinity", 2),
            new("NodeResourcesFit", 5, new Plugins.NodeResourcesFitArgs(Plugins.ScoringStrategyType.MostAllocated, Plugins.NodeResourcesFitArgs.DefaultResources, [])),
        ],
    };

    /// <summary>Spreads replicas onto the emptiest nodes (LeastAllocated weighted up), for availability.</summary>
    public static SchedulingProfile Spread { get; } = Default with
    {
        Name = "spread",
        Scores =
        [
            new("TaintToleration", 3),
            new("NodeAffinity", 2),
            new("PodTopologySpread", 2),
            new("InterPodAffinity", 2),
            new("NodeResourcesFit", 5),
            new("NodeResourcesBalancedAllocation", 1),
        ],
    };

    /// <summary>Any feasible node, uniformly at random (no scoring).</summary>
    public static SchedulingProfile Random { get; } = Default with { Name = "random", Scores = [], Tiebreak = Tiebreak.Random };

    /// <summary>GPU baseline: the node left with the least CPU, memory and GPU (Kubernetes' ordering otherwise).</summary>
    public static SchedulingProfile GpuBestFit { get; } = GpuBaseline("gpu-bestfit", "GpuBestFit");

    /// <summary>GPU baseline: partly used devices first, then nodes running GPU work, then idle nodes.</summary>
    public static SchedulingProfile GpuPacking { get; } = GpuBaseline("gpu-packing", "GpuPacking");

    /// <summary>GPU baseline: the node whose free resources best align with the request (dot product, as Tetris).</summary>
    public static SchedulingProfile GpuDotProduct { get; } = GpuBaseline("gpu-dotproduct", "GpuDotProduct");

    /// <summary>
    /// For clusters where every node has GPUs: the default profile with GpuFragmentation deciding for replicas without
    /// GPUs too (the setting of the paper's experiments), instead of leaving them to Kubernetes' resource scores.
    /// </summary>
    public static SchedulingProfile GpuFragmentationEverywhere { get; } = Default with
    {
        Name = "gpu-fragmentation",
        Scores = [.. DefaultScores, new(GpuFragmentation.Name, 100, new GpuFragmentationArgs(PlaceReplicasWithoutGpus: true))],
    };

    /// <summary>The built-in profile of that name, or null.</summary>
    public static SchedulingProfile? Find(string name) => name switch
    {
        "default" => Default,
        "binpack" => BinPack,
        "spread" => Spread,
        "random" => Random,
        "gpu-bestfit" => GpuBestFit,
        "gpu-packing" => GpuPacking,
        "gpu-dotproduct" => GpuDotProduct,
        "gpu-fragmentation" => GpuFragmentationEverywhere,
        _ => null,
    };

    /// <summary>The names <see cref="Find"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = ["default", "binpack", "spread", "random", "gpu-bestfit", "gpu-packing", "gpu-dotproduct", "gpu-fragmentation"];

    /// <summary>The default profile with one GPU heuristic deciding for GPU replicas instead of GpuFragmentation.</summary>
    private static SchedulingProfile GpuBaseline(string name, string plugin) => Default with
    {
        Name = name,
        Scores = [.. DefaultScores, new(plugin, 100)],
    };
}
