using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store.Sqlite;

namespace Berth.Server.Tests.Fixtures;

/// <summary>Builders for stored records; names come from a counter so failures read well.</summary>
public static class StateFixtures
{
    private static int _counter;

    /// <summary>A fixed clock start for events.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A private in-memory store.</summary>
    public static SqliteStore Store() => SqliteStore.Open(new SqliteStoreOptions { DataSource = ":memory:" });

    /// <summary>A unique lower-case name with <paramref name="prefix"/>.</summary>
    public static string Name(string prefix) => $"{prefix}-{Interlocked.Increment(ref _counter)}";

    /// <summary>A ready node with the given cpu and memory.</summary>
    public static NodeRecord Node(string? name = null, string cpu = "4", string memory = "8Gi", string pods = "110") =>
        new(
            new NodeSpec(
                name ?? Name("node"),
                new Dictionary<string, string> { [WellKnownLabels.Zone] = "zone-a" },
                [],
                ResourceList.Parse((ResourceNames.Cpu, cpu), (ResourceNames.Memory, memory), (ResourceNames.Pods, pods))),
            new NodeStatus(true, T0));

    /// <summary>A one-container workload requesting <paramref name="cpu"/> and <paramref name="memory"/> per replica.</summary>
    public static WorkloadSpec Workload(string? name = null, int replicas = 1, string cpu = "1", string memory = "1Gi") =>
        new(
            name ?? Name("web"),
            WorkloadSpec.DefaultNamespace,
            new Dictionary<string, string> { ["app"] = "web" },
            replicas,
            [ContainerSpec.ForResources("main", new ResourceRequirements(ResourceList.Parse((ResourceNames.Cpu, cpu), (ResourceNames.Memory, memory)), ResourceList.Empty))],
            [],
            ResourceList.Empty,
            0,
            PreemptionPolicy.PreemptLowerPriority,
            null,
            new Dictionary<string, string>(),
            Affinity.None,
            [],
            []);

    /// <summary>A workload using every field: affinity, tolerations, spread, init containers, overhead, retry, range.</summary>
    public static WorkloadSpec RichWorkload()
    {
        var selector = new LabelSelector(
            new Dictionary<string, string> { ["app"] = "db" },
            [new LabelRequirement("tier", SelectorOperator.In, ["backend", "cache"])]);
        var term = new ReplicaAffinityTerm(selector, ["default", "prod"], LabelSelector.Everything, WellKnownLabels.Zone, ["version"], []);
        return new WorkloadSpec(
            "db",
            "prod",
            new Dictionary<string, string> { ["app"] = "db", ["tier"] = "backend" },
            3,
            [
                new ContainerSpec(
                    "main",
                    ["postgres", "-c", "fsync=on"],
                    ["--port", "5432"],
                    new Dictionary<string, string> { ["PGDATA"] = "/data" },
                    "/srv",
                    new ResourceRequirements(
                        ResourceList.Parse((ResourceNames.Cpu, "500m"), (ResourceNames.Memory, "1536Mi"), (ResourceNames.NvidiaGpu, "1")),
                        ResourceList.Parse((ResourceNames.Cpu, "2"), (ResourceNames.Memory, "2Gi")))),
            ],
            [ContainerSpec.ForResources("init", new ResourceRequirements(ResourceList.Parse((ResourceNames.Cpu, "250m")), ResourceList.Empty))],
            ResourceList.Parse((ResourceNames.Memory, "64Mi")),
            1000,
            PreemptionPolicy.Never,
            null,
            new Dictionary<string, string> { ["disk"] = "ssd" },
            new Affinity(
                new NodeAffinity(
                    new NodeSelector([new NodeSelectorTerm([new LabelRequirement("cores", SelectorOperator.Gt, ["4"])], [new LabelRequirement(NodeSelectorTerm.NodeNameField, SelectorOperator.NotIn, ["bad-node"])])]),
                    [new PreferredSchedulingTerm(10, new NodeSelectorTerm([new LabelRequirement("zone", SelectorOperator.Exists, [])], []))]),
                new ReplicaAffinity([term], [new WeightedAffinityTerm(50, term with { MatchLabelKeys = [] })]),
                new ReplicaAffinity([], [new WeightedAffinityTerm(100, term with { LabelSelector = null, NamespaceSelector = null })])),
            [
                new Toleration("gpu", TolerationOperator.Exists, "", TaintEffect.NoSchedule),
                new Toleration("", TolerationOperator.Exists, "", null),
                new Toleration("team", TolerationOperator.Equal, "data", TaintEffect.NoExecute),
            ],
            [new TopologySpreadConstraint(1, WellKnownLabels.Zone, UnsatisfiableConstraintAction.DoNotSchedule, selector, 2, NodeInclusionPolicy.Honor, NodeInclusionPolicy.Ignore, ["version"])],
            "high",
            RestartPolicy.OnFailure,
            DesiredState.Stopped,
            new RetryPolicy(7),
            new ReplicaRange(2, 5));
    }
}
