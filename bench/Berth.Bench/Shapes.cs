using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Bench;

/// <summary>
/// The node and pod shapes of Kubernetes' scheduler_perf templates (the shared spec bench-workloads.md, §3),
/// built with the Core records.
/// </summary>
internal static class Shapes
{
    public const string HostnameKey = Berth.Core.Labels.WellKnownLabels.Hostname;
    public const string ZoneKey = Berth.Core.Labels.WellKnownLabels.Zone;
    public const string ColorKey = "color";

    /// <summary>N-base / N-default: 4 cpu, 32Gi, 110 pods, hostname label; zones assigned round-robin when given.</summary>
    public static NodeSpec[] Nodes(int count, IReadOnlyList<string> zones, bool extendedResource = false)
    {
        var allocatable = ResourceList.Parse(("cpu", "4"), ("memory", "32Gi"), ("pods", "110"));
        var nodes = new NodeSpec[count];
        for (int i = 0; i < count; i++)
        {
            string name = $"node-{i}";
            var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [HostnameKey] = name };
            if (zones.Count > 0)
            {
                labels[ZoneKey] = zones[i % zones.Count];
            }
            var resources = allocatable;
            if (extendedResource)
            {
                // N-ext: a resource name unique to each node, so pod i fits only on node i.
                labels["node-with-extended-resource"] = "true";
                resources = resources.With(ExtendedResourceName(i), Quantity.Parse("1"));
            }
            nodes[i] = new NodeSpec(name, labels, [], resources);
        }
        return nodes;
    }

    /// <summary>The extended resource of node i (misc/templates/node-with-extended-resource.yaml).</summary>
    public static string ExtendedResourceName(int i) => $"foo.com/bar-{i}";

    /// <summary>P-default: 100m / 500Mi requests = limits, no labels, no constraint.</summary>
    public static WorkloadSpec Default(string name, string ns) => Pod(name, ns, Guaranteed("100m", "500Mi"));

    /// <summary>P-anti: color=green, required anti-affinity to color=green on hostname.</summary>
    public static WorkloadSpec AntiAffinity(string name, string ns) => Pod(name, ns, Guaranteed("100m", "500Mi"), Color("green"),
        affinity: new Affinity(NodeAffinity.None, ReplicaAffinity.None, new ReplicaAffinity([Term("green", HostnameKey)], [])));

    /// <summary>P-aff: color=blue, required affinity to color=blue on zone.</summary>
    public static WorkloadSpec PodAffinity(string name, string ns) => Pod(name, ns, Guaranteed("100m", "500Mi"), Color("blue"),
        affinity: new Affinity(NodeAffinity.None, new ReplicaAffinity([Term("blue", ZoneKey)], []), ReplicaAffinity.None));

    /// <summary>P-prefaff: color=red, preferred affinity (weight 1) to color=red on hostname.</summary>
    public static WorkloadSpec PreferredAffinity(string name, string ns) => Pod(name, ns, Guaranteed("100m", "500Mi"), Color("red"),
        affinity: new Affinity(NodeAffinity.None, new ReplicaAffinity([], [new WeightedAffinityTerm(1, Term("red", HostnameKey))]), ReplicaAffinity.None));

    /// <summary>P-prefanti: color=yellow, preferred anti-affinity (weight 1) to color=yellow on hostname.</summary>
    public static WorkloadSpec PreferredAntiAffinity(string name, string ns) => Pod(name, ns, Guaranteed("100m", "500Mi"), Color("yellow"),
        affinity: new Affinity(NodeAffinity.None, ReplicaAffinity.None, new ReplicaAffinity([], [new WeightedAffinityTerm(1, Term("yellow", HostnameKey))])));

    /// <summary>P-nodeaff: required node affinity zone In [zone1, zone2].</summary>
    public static WorkloadSpec NodeAffinityPod(string name, string ns)
    {
        var term = new NodeSelectorTerm([new LabelRequirement(ZoneKey, SelectorOperator.In, ["zone1", "zone2"])], []);
        return Pod(name, ns, Guaranteed("100m", "500Mi"),
            affinity: new Affinity(new NodeAffinity(new NodeSelector([term]), []), ReplicaAffinity.None, ReplicaAffinity.None));
    }

    /// <summary>P-spread (DoNotSchedule) or P-prefspread (ScheduleAnyway): color=blue, maxSkew 5 on zone.</summary>
    public static WorkloadSpec Spread(string name, string ns, UnsatisfiableConstraintAction action)
    {
        // Kubernetes' defaults for the fields the template leaves out: nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore.
        var constraint = new TopologySpreadConstraint(5, ZoneKey, action, LabelSelector.ForLabels(Color("blue")), null,
            NodeInclusionPolicy.Honor, NodeInclusionPolicy.Ignore, []);
        return Pod(name, ns, Guaranteed("100m", "500Mi"), Color("blue"), spread: [constraint]);
    }

    /// <summary>P-huge: 9 cpu requested (no limits), priority 10; never fits a 4-cpu node, even with preemption.</summary>
    public static WorkloadSpec Huge(string name, string ns) =>
        Pod(name, ns, new ResourceRequirements(ResourceList.Parse(("cpu", "9"), ("memory", "500Mi")), ResourceList.Empty), priority: 10);

    /// <summary>P-low: 900m cpu and 500Mi requested (no limits), priority 0: four fill a 4-cpu node to 3.6 cpu.</summary>
    public static WorkloadSpec Low(string name, string ns) =>
        Pod(name, ns, new ResourceRequirements(ResourceList.Parse(("cpu", "900m"), ("memory", "500Mi")), ResourceList.Empty), priority: 0);

    /// <summary>P-high: 3 cpu and 500Mi requested (no limits), priority 10: on a node of four P-low it must preempt three.</summary>
    public static WorkloadSpec High(string name, string ns) =>
        Pod(name, ns, new ResourceRequirements(ResourceList.Parse(("cpu", "3"), ("memory", "500Mi")), ResourceList.Empty), priority: 10);

    /// <summary>P-ext: only <c>foo.com/bar-i</c> = 1, so it fits node i alone.</summary>
    public static WorkloadSpec Extended(string name, string ns, int i)
    {
        var list = ResourceList.Parse((ExtendedResourceName(i), "1"));
        return Pod(name, ns, new ResourceRequirements(list, list));
    }

    private static ResourceRequirements Guaranteed(string cpu, string memory)
    {
        var list = ResourceList.Parse(("cpu", cpu), ("memory", memory));
        return new ResourceRequirements(list, list);
    }

    private static Dictionary<string, string> Color(string color) => new(StringComparer.Ordinal) { [ColorKey] = color };

    /// <summary>A required affinity term as the templates write it: selector color=X, namespaces [sched-1, sched-0].</summary>
    private static ReplicaAffinityTerm Term(string color, string topologyKey) =>
        new(LabelSelector.ForLabels(Color(color)), ["sched-1", "sched-0"], null, topologyKey, [], []);

    private static WorkloadSpec Pod(string name, string ns, ResourceRequirements resources, Dictionary<string, string>? labels = null,
        Affinity? affinity = null, IReadOnlyList<TopologySpreadConstraint>? spread = null, int priority = 0) =>
        new(name, ns, labels ?? new Dictionary<string, string>(StringComparer.Ordinal), 1,
            [ContainerSpec.ForResources("pause", resources)], [], ResourceList.Empty, priority, PreemptionPolicy.PreemptLowerPriority,
            null, new Dictionary<string, string>(StringComparer.Ordinal), affinity ?? Affinity.None, [], spread ?? []);
}
