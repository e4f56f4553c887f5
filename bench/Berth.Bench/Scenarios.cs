using Berth.Core.Specs;

namespace Berth.Bench;

/// <summary>The scenario catalogue; each entry cites the scheduler_perf workload whose shape it copies.</summary>
internal static class Scenarios
{
    private static readonly string[] NoZones = [];
    private static readonly string[] Z1 = ["zone1"];
    private static readonly string[] Z3 = ["moon-1", "moon-2", "moon-3"];

    /// <summary>All scenarios by name.</summary>
    public static IReadOnlyList<Scenario> All { get; } =
    [
        // SchedulingBasic 5000Nodes_10000Pods: init 1000 P-default, measured 10000 P-default.
        new("basic", "SchedulingBasic 5000Nodes_10000Pods", 680, NoZones, false, 1000, 10000,
            init => [new(Shapes.Default("init", "namespace-1"), init)],
            pods => Repeat(Shapes.Default("measured", "namespace-2"), pods),
            MinimumTarget: 10000),
        // SchedulingNodeAffinity 5000Nodes_10000Pods: Z1, init 5000 P-nodeaff, measured 10000 P-nodeaff.
        new("nodeaffinity", "SchedulingNodeAffinity 5000Nodes_10000Pods", 220, Z1, false, 5000, 10000,
            init => [new(Shapes.NodeAffinityPod("init", "namespace-1"), init)],
            pods => Repeat(Shapes.NodeAffinityPod("measured", "namespace-2"), pods)),
        // SchedulingPodAffinity 5000Nodes_5000Pods: Z1, init 5000 P-aff in sched-0, measured 5000 P-aff in sched-1.
        new("podaffinity", "SchedulingPodAffinity 5000Nodes_5000Pods", 35, Z1, false, 5000, 5000,
            init => [new(Shapes.PodAffinity("init", "sched-0"), init)],
            pods => Repeat(Shapes.PodAffinity("measured", "sched-1"), pods)),
        // SchedulingPodAntiAffinity 5000Nodes_2000Pods: no zone, init 1000 P-anti in sched-0, measured 2000 in sched-1.
        new("podantiaffinity", "SchedulingPodAntiAffinity 5000Nodes_2000Pods", 60, NoZones, false, 1000, 2000,
            init => [new(Shapes.AntiAffinity("init", "sched-0"), init)],
            pods => Repeat(Shapes.AntiAffinity("measured", "sched-1"), pods)),
        // SchedulingPreferredPodAffinity 5000Nodes_5000Pods: init 5000 P-prefaff in sched-0, measured 5000 in sched-1.
        new("preferredaffinity", "SchedulingPreferredPodAffinity 5000Nodes_5000Pods", 90, NoZones, false, 5000, 5000,
            init => [new(Shapes.PreferredAffinity("init", "sched-0"), init)],
            pods => Repeat(Shapes.PreferredAffinity("measured", "sched-1"), pods)),
        // SchedulingPreferredPodAntiAffinity 5000Nodes_5000Pods: the anti variant of the above.
        new("preferredantiaffinity", "SchedulingPreferredPodAntiAffinity 5000Nodes_5000Pods", 90, NoZones, false, 5000, 5000,
            init => [new(Shapes.PreferredAntiAffinity("init", "sched-0"), init)],
            pods => Repeat(Shapes.PreferredAntiAffinity("measured", "sched-1"), pods)),
        // TopologySpreading 5000Nodes_5000Pods: Z3, init 5000 P-default (unlabelled), measured 5000 P-spread (DoNotSchedule).
        new("spread", "TopologySpreading 5000Nodes_5000Pods", 460, Z3, false, 5000, 5000,
            init => [new(Shapes.Default("init", "namespace-1"), init)],
            pods => Repeat(Shapes.Spread("measured", "namespace-2", UnsatisfiableConstraintAction.DoNotSchedule), pods)),
        // PreferredTopologySpreading 5000Nodes_5000Pods: the ScheduleAnyway variant of the above.
        new("preferredspread", "PreferredTopologySpreading 5000Nodes_5000Pods", 340, Z3, false, 5000, 5000,
            init => [new(Shapes.Default("init", "namespace-1"), init)],
            pods => Repeat(Shapes.Spread("measured", "namespace-2", UnsatisfiableConstraintAction.ScheduleAnyway), pods)),
        // SchedulingWithExtendedResource 5000pods_5000nodes: 5000 N-ext, no init, pod i needs foo.com/bar-i (one feasible node).
        new("extendedresource", "SchedulingWithExtendedResource 5000pods_5000nodes", 180, NoZones, true, 0, 5000,
            _ => [],
            pods => [.. Enumerable.Range(0, pods).Select(i => Shapes.Extended($"test-extended-resource-{i}", "test", i))]),
        // Unschedulable 5kNodes/100Init/10kPods: init 100, measured 10000 P-default, with P-huge attempts interleaved (churn).
        new("unschedulable", "Unschedulable 5kNodes/100Init/10kPods", 590, NoZones, false, 100, 10000,
            init => [new(Shapes.Default("init", "namespace-1"), init)],
            pods => Repeat(Shapes.Default("measured", "namespace-3"), pods),
            HugeEvery: 100),
        // MixedSchedulingBasePod 5000Nodes_5000Pods: Z1, init 2000 each of five shapes in sched-0, measured 5000 P-default.
        new("mixed", "MixedSchedulingBasePod 5000Nodes_5000Pods", 140, Z1, false, 10000, 5000,
            init =>
            [
                new(Shapes.Default("init-default", "sched-0"), init / 5),
                new(Shapes.PodAffinity("init-affinity", "sched-0"), init / 5),
                new(Shapes.AntiAffinity("init-anti", "sched-0"), init / 5),
                new(Shapes.PreferredAffinity("init-prefaff", "sched-0"), init / 5),
                new(Shapes.PreferredAntiAffinity("init-prefanti", "sched-0"), init - 4 * (init / 5)),
            ],
            pods => Repeat(Shapes.Default("measured", "namespace-7"), pods)),
        // PreemptionBasic 1000Nodes (default_preemption): init 4000 P-low in namespace-1 (four per node, 3.6 of 4 cpu),
        // measured 1000 P-high in namespace-2, each preempting three P-low. No current CI threshold; the floor is the
        // older 500-node variant's 18 pods/s, and the target ten times that.
        new("preemption", "PreemptionBasic 1000Nodes", 18, NoZones, false, 4000, 1000,
            init => [new(Shapes.Low("init", "namespace-1"), init)],
            pods => Repeat(Shapes.High("measured", "namespace-2"), pods),
            MinimumTarget: 180, DefaultNodes: 1000),
    ];

    /// <summary>The scenario of that name, or null.</summary>
    public static Scenario? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    private static WorkloadSpec[] Repeat(WorkloadSpec workload, int count)
    {
        var result = new WorkloadSpec[count];
        Array.Fill(result, workload);
        return result;
    }
}
