using Berth.Core.Manifests;
using Berth.Scheduling.Simulation;

namespace Berth.Scheduling.Tests.Simulation;

/// <summary>Gang scheduling in the simulator: a gang's first minAvailable replicas are placed together or not at all.</summary>
public class SimulatorGangTests
{
    private const string FitProfile = """
        profile:
          filters: [NodeReady, NodeResourcesFit]
          scores: [{name: NodeResourcesFit, weight: 1}]
          postFilters: []
          tiebreak: first

        """;

    private static SimulationReport Run(string yaml, bool explain = false) => new Simulator().Run(ScenarioReader.Read(yaml), explain);

    [Fact]
    public void Run_GangOf100OnRoomFor99_PlacesNothing_AndReleasesEveryHold()
    {
        // 3 nodes × 33 cpu hold 99 one-cpu replicas. The gang of 100 sinks; the 99 replicas after it all fit, which
        // they could not if any hold were kept.
        var report = Run(FitProfile + """
            nodes:
              - {name: a, allocatable: {cpu: "33", memory: 64Gi, pods: 200}}
              - {name: b, allocatable: {cpu: "33", memory: 64Gi, pods: 200}}
              - {name: c, allocatable: {cpu: "33", memory: 64Gi, pods: 200}}
            workloads:
              - {name: train, replicas: 100, requests: {cpu: "1"}, gang: {minAvailable: 100, timeoutSeconds: 30}}
              - {name: after, replicas: 99, requests: {cpu: "1"}}
            """);
        var train = report.Placements.Where(p => p.Workload == "train").ToList();
        Assert.Equal(100, train.Count);
        Assert.All(train, p => Assert.Null(p.Node));
        Assert.Equal(Enumerable.Range(0, 100), train.Select(p => p.Replica));
        Assert.Equal(
            "gang default/train (minAvailable 100) could not be placed: 99 replica(s) fit, replica 99 did not (0/3 nodes are available: 3 Insufficient cpu.); released its hold on a with every other replica held for the gang",
            train[0].Reason);
        Assert.Equal(
            "gang default/train (minAvailable 100) could not be placed: 0/3 nodes are available: 3 Insufficient cpu. The 99 replica(s) held for the gang were released.",
            train[99].Reason);
        var after = report.Placements.Where(p => p.Workload == "after").ToList();
        Assert.All(after, p => Assert.NotNull(p.Node));
        Assert.Equal(new SimulationSummary(99, 100, 3), report.Summary);
    }

    [Fact]
    public void Run_GangThatFits_PlacesItsMembers_ThenLaterReplicasOneByOne()
    {
        // Room for 4: the gang of 3 stands, replica 3 is placed on its own, replica 4 finds no room and says why.
        var report = Run(FitProfile + """
            nodes: [{name: a, allocatable: {cpu: "4", memory: 8Gi}}]
            workloads:
              - {name: job, replicas: 5, requests: {cpu: "1"}, gang: {minAvailable: 3}}
            """);
        Assert.Equal(["a", "a", "a", "a", null], report.Placements.Select(p => p.Node));
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu.", report.Placements[4].Reason);
    }

    [Fact]
    public void Run_TwoGangsCompetingForTheSameRoom_PlacesTheFirst_AndTheOtherReleasesItsHolds()
    {
        // Room for 4 one-cpu replicas; each gang needs 3. The first stands; the second holds one, cannot complete and
        // lets it go, so the single replica after both still fits on the last cpu.
        var report = Run(FitProfile + """
            nodes: [{name: a, allocatable: {cpu: "2", memory: 8Gi}}, {name: b, allocatable: {cpu: "2", memory: 8Gi}}]
            workloads:
              - {name: blue, replicas: 3, requests: {cpu: "1"}, gang: {minAvailable: 3}}
              - {name: green, replicas: 3, requests: {cpu: "1"}, gang: {minAvailable: 3}}
              - {name: single, requests: {cpu: "1"}}
            """);
        Assert.All(report.Placements.Where(p => p.Workload == "blue"), p => Assert.NotNull(p.Node));
        var green = report.Placements.Where(p => p.Workload == "green").ToList();
        Assert.All(green, p => Assert.Null(p.Node));
        Assert.StartsWith("gang default/green (minAvailable 3) could not be placed: 1 replica(s) fit, replica 1 did not", green[0].Reason);
        Assert.Equal("gang default/green (minAvailable 3) could not be placed (replica 1 did not fit); nothing of the gang was placed", green[2].Reason);
        Assert.NotNull(Assert.Single(report.Placements, p => p.Workload == "single").Node);
    }

    private const string PreemptionCluster = """
        profile: {name: default, tiebreak: first}
        nodes:
          - {name: a, allocatable: {cpu: "2", memory: 8Gi}}
          - {name: b, allocatable: {cpu: "2", memory: 8Gi}}
          - {name: c, allocatable: {cpu: "2", memory: 8Gi}}
        placed:
          - {name: low-a, node: a, priority: 0, requests: {cpu: "2"}}
          - {name: low-b, node: b, priority: 0, requests: {cpu: "2"}}

        """;

    [Fact]
    public void Run_GangThatWouldPreemptButCannotComplete_EvictsNobody()
    {
        // c is held by a replica of higher priority than the gang: two members could preempt low-a and low-b, the
        // third has nowhere to go, so the gang sinks and both low replicas stay (the probe after cannot fit).
        var report = Run(PreemptionCluster + """
              - {name: vip, node: c, priority: 1000, requests: {cpu: "2"}}
            workloads:
              - {name: gang, replicas: 3, priority: 100, requests: {cpu: "2"}, gang: {minAvailable: 3}}
              - {name: probe, priority: 0, preemptionPolicy: Never, requests: {cpu: "1"}}
            """);
        Assert.All(report.Placements, p => Assert.Null(p.Node));
        Assert.All(report.Placements, p => Assert.Empty(p.Preempted));
        Assert.Equal("0/3 nodes are available: 3 Insufficient cpu.", report.Placements[3].Reason);
    }

    [Fact]
    public void Run_GangThatPreemptsAndCompletes_EvictsItsVictims()
    {
        var report = Run(PreemptionCluster + """
            workloads:
              - {name: gang, replicas: 3, priority: 100, requests: {cpu: "2"}, gang: {minAvailable: 3}}
            """);
        Assert.Equal(["a", "b", "c"], report.Placements.Select(p => p.Node).Order());
        Assert.Equal(["default/low-a", "default/low-b"], report.Placements.SelectMany(p => p.Preempted).Order());
    }

    [Theory]
    [InlineData("above replicas", "{minAvailable: 4}", "workloads[0].gang.minAvailable: 4 is more than the workload's 3 replica(s); use 1 to 3, or raise replicas")]
    [InlineData("negative timeout", "{minAvailable: 2, timeoutSeconds: -1}",
        "workloads[0].gang.timeoutSeconds: -1 is not more than 0; give the seconds a partial gang may hold its replicas, e.g. 60")]
    [InlineData("not a mapping", "3", "workloads[0].gang: expected a mapping, e.g. {minAvailable: 4, timeoutSeconds: 60}")]
    public void Read_BadGang_NamesTheField(string name, string gang, string message)
    {
        _ = name;
        var e = Assert.Throws<ManifestException>(() => ScenarioReader.Read("""
            nodes: [{name: a, allocatable: {cpu: "1"}}]
            workloads:
              - name: w
                replicas: 3
                gang: 
            """ + gang));
        Assert.Equal(message, e.Message);
    }
}
