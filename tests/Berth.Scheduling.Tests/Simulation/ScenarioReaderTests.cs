using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Simulation;
using Berth.Scheduling.Tests.Fixtures;

namespace Berth.Scheduling.Tests.Simulation;

public class ScenarioReaderTests
{
    private static ManifestException Error(string yaml) => Assert.Throws<ManifestException>(() => ScenarioReader.Read(yaml));

    [Fact]
    public void Read_UsesDefaultProfile_WhenScenarioNamesNone()
    {
        var scenario = ScenarioReader.Read("nodes: [{name: n1}]\n");
        Assert.Same(BuiltInProfiles.Default, scenario.Profile);
    }

    [Fact]
    public void Read_DefaultsNodePodsTo110_AndAddsHostnameLabel()
    {
        var node = Assert.Single(ScenarioReader.Read("nodes: [{name: n1, allocatable: {cpu: '4'}}]\n").Nodes);
        Assert.Equal(110, node.Allocatable.Units("pods"));
        Assert.Equal("n1", node.Labels["kubernetes.io/hostname"]);
        Assert.True(node.Ready);
        Assert.False(node.Unschedulable);
    }

    [Fact]
    public void Read_KeepsGivenPods_AndNodeFlags()
    {
        var node = Assert.Single(ScenarioReader.Read("nodes: [{name: n1, allocatable: {pods: 5}, unschedulable: true, ready: false, taints: [{key: k, effect: NoExecute}]}]\n").Nodes);
        Assert.Equal(5, node.Allocatable.Units("pods"));
        Assert.True(node.Unschedulable);
        Assert.False(node.Ready);
        Assert.Equal(TaintEffect.NoExecute, node.Taints[0].Effect);
    }

    [Fact]
    public void Read_ReadsWorkloadFields()
    {
        var scenario = ScenarioReader.Read("""
            workloads:
              - name: web
                namespace: team-a
                replicas: 3
                labels: {app: web}
                requests: {cpu: "1", memory: 2Gi}
                priority: 10
                preemptionPolicy: Never
                nodeName: ""
                nodeSelector: {zone: a}
                tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]
                topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
              - name: batch
                containers: [{name: a, requests: {cpu: 500m}}, {}]
                initContainers: [{name: init, requests: {cpu: "2"}}]
                overhead: {cpu: 100m}
            """);
        var web = scenario.Workloads[0];
        Assert.Equal("team-a/web", web.Key);
        Assert.Equal(3, web.Replicas);
        Assert.Equal(1000, ReplicaResources.Requests(web).Units("cpu"));
        Assert.Equal(10, web.Priority);
        Assert.Equal(PreemptionPolicy.Never, web.PreemptionPolicy);
        Assert.Null(web.NodeName);
        Assert.Equal("a", web.NodeSelector["zone"]);
        Assert.Single(web.Tolerations);
        Assert.Single(web.TopologySpreadConstraints);
        var batch = scenario.Workloads[1];
        Assert.Equal("default", batch.Namespace);
        Assert.Equal(1, batch.Replicas);
        // max(500m + 0, init 2000m) + overhead 100m = 2100m
        Assert.Equal(2100, ReplicaResources.Requests(batch).Units("cpu"));
    }

    [Fact]
    public void Read_ReadsPlacedNamespacesAndBudgets()
    {
        var scenario = ScenarioReader.Read("""
            nodes: [{name: node-1}]
            namespaces: [{name: team-a, labels: {tier: gold}}]
            disruptionBudgets:
              - {name: db-pdb, selector: {matchLabels: {app: db}}, minAvailable: 1}
              - {name: web-pdb, namespace: team-a, selector: {matchLabels: {app: web}}, maxUnavailable: "50%"}
            placed:
              - {name: db-0, node: node-1, labels: {app: db}, priority: 5, startTime: "2026-01-01T00:00:00Z", requests: {cpu: 500m}}
            """);
        Assert.Equal("gold", scenario.Namespaces["team-a"]["tier"]);
        Assert.Equal("1", scenario.DisruptionBudgets[0].MinAvailable);
        Assert.Equal("default", scenario.DisruptionBudgets[0].Namespace);
        Assert.Equal("50%", scenario.DisruptionBudgets[1].MaxUnavailable);
        var placed = Assert.Single(scenario.Placed);
        Assert.Equal("default/db-0", placed.Key);
        Assert.Equal("node-1", placed.Node);
        Assert.Equal(5, placed.Spec.Priority);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), placed.StartTime);
    }

    [Fact]
    public void Read_BuildsCustomProfile_FromNamedBaseAndLists()
    {
        var profile = ScenarioReader.Read("""
            profile:
              name: binpack
              filters: [NodeUnschedulable, {name: NodeResourcesFit}]
              scores:
                - name: NodeResourcesFit
                  weight: 3
                  args:
                    strategy: RequestedToCapacityRatio
                    resources: [{name: cpu, weight: 2}, {name: memory}]
                    shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]
              postFilters: []
              tiebreak: least_loaded
              seed: 42
            """).Profile;
        Assert.Equal("binpack", profile.Name);
        Assert.Equal(["NodeUnschedulable", "NodeResourcesFit"], profile.Filters.Select(f => f.Name));
        var score = Assert.Single(profile.Scores);
        Assert.Equal(3, score.Weight);
        var args = Assert.IsType<NodeResourcesFitArgs>(score.Args);
        Assert.Equal(ScoringStrategyType.RequestedToCapacityRatio, args.Strategy);
        Assert.Equal([new ResourceWeight("cpu", 2), new ResourceWeight("memory", 1)], args.Resources);
        Assert.Equal(2, args.Shape.Count);
        Assert.Empty(profile.PostFilters);
        Assert.Equal(Tiebreak.LeastLoaded, profile.Tiebreak);
        Assert.Equal(42, profile.Seed);
    }

    [Fact]
    public void Read_AcceptsAShape_WithAnotherStrategy_AsTheContractsExampleDoes()
    {
        var profile = ScenarioReader.Read("profile: {scores: [{name: NodeResourcesFit, weight: 1, args: {strategy: LeastAllocated, shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]}}]}").Profile;
        var args = Assert.IsType<NodeResourcesFitArgs>(Assert.Single(profile.Scores).Args);
        Assert.Equal(ScoringStrategyType.LeastAllocated, args.Strategy);
        Assert.Equal(2, args.Shape.Count);
    }

    [Fact]
    public void Read_KeepsBaseLists_WhenProfileGivesOnlyAName()
    {
        var profile = ScenarioReader.Read("profile: {name: spread}\n").Profile;
        Assert.Same(BuiltInProfiles.Spread, profile);
    }

    [Theory]
    [InlineData("profile: {name: fastest}", "profile.name: unknown profile 'fastest'; use one of default, binpack, spread, random")]
    [InlineData("profile: {filters: [NodeUnschedulable, Bogus]}", "profile.filters[1]: unknown plugin 'Bogus'; known plugins are ")]
    [InlineData("profile: {scores: [{name: Bogus, weight: 1}]}", "profile.scores[0].name: unknown plugin 'Bogus'; known plugins are ")]
    [InlineData("profile: {scores: [{name: NodeResourcesFit, weight: 0}]}", "profile.scores[0].weight: 0 is out of range; use 1 to 100")]
    [InlineData("profile: {scores: [{name: NodeResourcesFit, args: {strategy: Most}}]}", "profile.scores[0].args.strategy: 'Most' is not valid; use one of LeastAllocated, MostAllocated, RequestedToCapacityRatio")]
    [InlineData("profile: {scores: [{name: NodeResourcesFit, args: {shape: [{utilization: 101, score: 1}]}}]}", "profile.scores[0].args.shape[0].utilization: 101 is out of range; use 0 to 100")]
    [InlineData("profile: {scores: [{name: NodeResourcesFit, args: {resources: [{name: cpu, weight: 101}]}}]}", "profile.scores[0].args.resources[0].weight: 101 is out of range; use 1 to 100")]
    [InlineData("profile: {filters: [{name: NodeUnschedulable, args: {x: 1}}]}", "profile.filters[0].args: plugin 'NodeUnschedulable' takes no args")]
    [InlineData("profile: {filters: [NodeReady, NodeReady]}", "profile.filters[1]: plugin 'NodeReady' is listed twice")]
    [InlineData("profile: {scores: [NodeReady]}", "profile.scores[0]: plugin 'NodeReady' cannot be used as a score plugin")]
    [InlineData("profile: {postFilters: [NodeResourcesFit]}", "profile.postFilters[0]: plugin 'NodeResourcesFit' cannot be used as a post-filter")]
    [InlineData("profile: {tiebreak: coin}", "profile.tiebreak: 'coin' is not a tiebreak; use one of random, least_loaded, round_robin, weighted_random, first")]
    [InlineData("profile: {weights: 1}", "profile.weights: unknown field")]
    [InlineData("clusters: []", "clusters: unknown field")]
    [InlineData("nodes: [{name: Node_1}]", "nodes[0].name: 'Node_1' is not a valid name")]
    [InlineData("nodes: [{name: n1}, {name: n1}]", "nodes[1].name: node 'n1' is listed twice; node names must be unique")]
    [InlineData("nodes: [{name: n1, allocatable: {cpu: lots}}]", "nodes[0].allocatable.cpu: 'lots' is not a quantity")]
    [InlineData("nodes: [{name: n1, ready: maybe}]", "nodes[0].ready: 'maybe' is not a boolean; use true or false")]
    [InlineData("placed: [{name: p1, node: ghost}]", "placed[0].node: no node named 'ghost' in nodes")]
    [InlineData("nodes: [{name: n1}]\nplaced: [{name: p1, node: n1, startTime: yesterday}]", "placed[0].startTime: 'yesterday' is not a time; use RFC 3339, e.g. 2026-01-01T00:00:00Z")]
    [InlineData("workloads: [{name: w, replicas: -1}]", "workloads[0].replicas: -1 is negative; replicas must be zero or more")]
    [InlineData("workloads: [{name: w, requests: {cpu: 1}, containers: []}]", "workloads[0].requests: give either requests (one container) or containers, not both")]
    [InlineData("workloads: [{name: w, containers: [{name: a, requests: {memory: 2Gi}, limits: {memory: 1Gi}}]}]", "workloads[0].containers[0].requests.memory: request 2147483648 is greater than the limit 1073741824")]
    [InlineData("workloads: [{name: w}, {name: w}]", "workloads[1].name: workload 'default/w' is listed twice")]
    [InlineData("workloads: [{name: w, preemptionPolicy: Sometimes}]", "workloads[0].preemptionPolicy: 'Sometimes' is not valid; use one of PreemptLowerPriority, Never")]
    [InlineData("workloads: [{name: w, affinity: {nodeAffinity: {foo: 1}}}]", "workloads[0].affinity.nodeAffinity.foo: unknown field")]
    [InlineData("disruptionBudgets: [{name: b, selector: {}, minAvailable: 1, maxUnavailable: 1}]", "disruptionBudgets[0]: give exactly one of minAvailable and maxUnavailable")]
    [InlineData("disruptionBudgets: [{name: b, selector: {}, minAvailable: half}]", "disruptionBudgets[0].minAvailable: 'half' is not a count or a percentage")]
    [InlineData("- a\n- b\n", "a scenario must be a mapping with nodes and workloads")]
    [InlineData("workloads: [{name: w, requests: {nvidia.com/gpu: 1500m}}]", "workloads[0].requests.nvidia.com/gpu: 1.5 is neither a whole number of devices nor a share of one device")]
    [InlineData("nodes: [{name: n1}]\nplaced: [{name: p1, node: n1, tolerations: []}]", "placed[0].tolerations: unknown field")]
    [InlineData("profile: {filters: [{name: NodeResourcesFit, args: {strategy: MostAllocated}}], scores: [{name: NodeResourcesFit, weight: 1, args: {strategy: LeastAllocated}}]}",
        "profile.scores[0].args: plugin 'NodeResourcesFit' is given other args at profile.filters[0].args; give its args once")]
    public void Read_Throws_WithFieldPath(string yaml, string expectedStart)
    {
        Assert.StartsWith(expectedStart, Error(yaml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AcceptsJson()
    {
        var scenario = ScenarioReader.Read("""{"nodes": [{"name": "n1", "allocatable": {"cpu": "4"}}], "workloads": [{"name": "w", "replicas": 2, "requests": {"cpu": "1"}}]}""");
        Assert.Equal("n1", scenario.Nodes[0].Name);
        Assert.Equal(2, scenario.Workloads[0].Replicas);
    }

    [Fact]
    public void Read_AcceptsEveryExampleScenario()
    {
        var files = RepositoryPaths.ExampleScenarios().ToList();
        Assert.True(files.Count >= 4, "expected at least four example scenarios");
        foreach (var file in files)
        {
            var scenario = ScenarioReader.Read(File.ReadAllText(file));
            Assert.NotEmpty(scenario.Nodes);
            Assert.NotEmpty(scenario.Workloads);
        }
    }
}
