using Berth.Scheduling.Simulation;
using Berth.Scheduling.Tests.Fixtures;

namespace Berth.Scheduling.Tests.Simulation;

/// <summary>
/// Simulations under the default profile; they need every default plugin (NodeName, TaintToleration, NodeAffinity,
/// NodeResourcesBalancedAllocation, InterPodAffinity, PodTopologySpread, DefaultPreemption) to be registered.
/// </summary>
public class DefaultProfileSimulationTests
{
    private static SimulationReport Run(string yaml, bool explain = false) =>
        new Simulator().Run(ScenarioReader.Read(yaml), explain);

    [Fact]
    public void DefaultProfile_ReportsTaintAndResourceReasons_AsInTheSpec()
    {
        var report = Run("""
            nodes:
              - {name: node-1, taints: [{key: dedicated, value: gpu, effect: NoSchedule}], allocatable: {cpu: "8", memory: 16Gi}}
              - {name: node-2, allocatable: {cpu: "1", memory: 16Gi}}
              - {name: node-3, allocatable: {cpu: "1", memory: 16Gi}}
            workloads: [{name: web, requests: {cpu: "2"}}]
            """);
        Assert.Equal("0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu.", report.Placements[0].Reason);
    }

    [Fact]
    public void DefaultProfile_SpreadsOverZones_WithAntiAffinity()
    {
        var report = Run("""
            nodes:
              - {name: a1, labels: {zone: a}, allocatable: {cpu: "8", memory: 32Gi}}
              - {name: a2, labels: {zone: a}, allocatable: {cpu: "8", memory: 32Gi}}
              - {name: b1, labels: {zone: b}, allocatable: {cpu: "8", memory: 32Gi}}
              - {name: b2, labels: {zone: b}, allocatable: {cpu: "8", memory: 32Gi}}
            workloads:
              - name: api
                replicas: 5
                labels: {app: api}
                requests: {cpu: "1", memory: 1Gi}
                topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: api}}}]
                affinity:
                  podAntiAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: api}}, topologyKey: kubernetes.io/hostname}]
            """);
        Assert.Equal(4, report.Summary.Placed);
        Assert.Equal(4, report.Summary.NodesUsed);
        Assert.Null(report.Placements[4].Node);
    }

    [Fact]
    public void DefaultProfile_Preempts_LowerPriorityReplica()
    {
        var report = Run("""
            nodes: [{name: node-1, allocatable: {cpu: "2", memory: 4Gi}}]
            placed: [{name: p1, node: node-1, priority: 0, requests: {cpu: "2"}}]
            workloads: [{name: api, priority: 100, requests: {cpu: "1"}}]
            """, explain: true);
        var p = Assert.Single(report.Placements);
        Assert.Equal("node-1", p.Node);
        Assert.Equal(["default/p1"], p.Preempted);
        Assert.Equal("node-1", p.Preemption?.Chosen);
    }

    [Fact]
    public void DefaultProfile_RunsEveryExampleScenario()
    {
        foreach (var file in RepositoryPaths.ExampleScenarios())
        {
            var report = Run(File.ReadAllText(file), explain: true);
            Assert.True(report.Summary.Placed > 0, $"{Path.GetFileName(file)} placed nothing");
        }
    }
}
