using Berth.Core.Manifests;
using Berth.Scheduling.Quotas;
using Berth.Scheduling.Simulation;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Tests.Simulation;

/// <summary>Quotas in <c>berth simulate</c>: hard limits, soft limits with burst, and burst replicas reclaimed under pressure.</summary>
public class SimulatorQuotaTests
{
    private static SimulationReport Run(string yaml, bool explain = false) =>
        new Simulator().Run(ScenarioReader.Read(yaml), explain);

    private static ReplicaPlacement Find(SimulationReport report, string workload, int replica) =>
        report.Placements.Single(p => p.Workload == workload && p.Replica == replica);

    [Fact]
    public void Run_QuotaExactlyAtHardLimit_PlacesIt_AndRefusesOneMore()
    {
        var report = Run("""
            nodes: [{name: node-1, allocatable: {cpu: "16", memory: 64Gi}}]
            quotas:
              - {name: compute, namespace: team-a, hard: {cpu: "3", memory: 6Gi, replicas: 10}}
            workloads:
              - {name: web, namespace: team-a, replicas: 4, requests: {cpu: "1", memory: 2Gi}}
            """);
        Assert.Equal(["node-1", "node-1", "node-1", null], report.Placements.Select(p => p.Node));
        Assert.Equal(
            "quota team-a/compute refuses cpu: used 3 + requested 1 is over the hard limit 3; lower the request or raise the quota's hard.cpu",
            Find(report, "web", 3).Reason);
        Assert.Equal(new SimulationSummary(3, 1, 1), report.Summary);
    }

    [Fact]
    public void Run_ReplicaCountLimit_CountsPlacedReplicasToo()
    {
        var report = Run("""
            nodes: [{name: node-1, allocatable: {cpu: "16"}}]
            quotas:
              - {name: count, namespace: team-a, hard: {replicas: 2}}
            placed:
              - {name: old-0, namespace: team-a, node: node-1}
            workloads:
              - {name: web, namespace: team-a, replicas: 2}
              - {name: other, namespace: default, replicas: 2}
            """);
        Assert.NotNull(Find(report, "web", 0).Node);
        Assert.Null(Find(report, "web", 1).Node);
        Assert.Contains("refuses replicas: used 2 + requested 1 is over the hard limit 2", Find(report, "web", 1).Reason, StringComparison.Ordinal);
        Assert.All(report.Placements.Where(p => p.Workload == "other"), p => Assert.NotNull(p.Node));
    }

    [Fact]
    public void Run_AboveSoftWithIdleCapacity_PlacesBurstReplicas_UpToTheCeiling()
    {
        var report = Run("""
            nodes: [{name: node-1, allocatable: {cpu: "8"}}]
            quotas:
              - {name: compute, namespace: team-a, soft: {cpu: "2"}, allowBurst: true, maxBurstPercent: 50}
            workloads:
              - {name: batch, namespace: team-a, replicas: 4, requests: {cpu: "1"}}
            """);
        // soft 2, ceiling 3: two guaranteed, one burst, one refused at the ceiling.
        Assert.Equal([false, false, true, false], report.Placements.Select(p => p.Burst));
        Assert.Equal(["node-1", "node-1", "node-1", null], report.Placements.Select(p => p.Node));
        Assert.Contains("burst ceiling (soft limit plus maxBurstPercent) 3", Find(report, "batch", 3).Reason, StringComparison.Ordinal);
        Assert.Contains("burst", Find(report, "batch", 2).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BurstReplicaWithoutIdleCapacity_StaysUnplaced_AndEvictsNobody()
    {
        // The cluster is full of priority-0 replicas; a burst replica of priority 1000 could preempt them but must not.
        var report = Run("""
            nodes: [{name: node-1, allocatable: {cpu: "2"}}]
            quotas:
              - {name: compute, namespace: team-a, soft: {cpu: "1"}, allowBurst: true}
            placed:
              - {name: low-0, node: node-1, priority: 0, requests: {cpu: "1"}}
            workloads:
              - {name: batch, namespace: team-a, replicas: 2, priority: 1000, requests: {cpu: "1"}}
            """);
        Assert.Equal("node-1", Find(report, "batch", 0).Node);
        var burst = Find(report, "batch", 1);
        Assert.Null(burst.Node);
        Assert.Empty(burst.Preempted);
        Assert.StartsWith("namespace team-a is above its soft quota, so this replica is burst and may use only idle capacity", burst.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_GuaranteedReplicaUnderPressure_ReclaimsBurst_EvenOfHigherPriority()
    {
        var report = Run("""
            nodes: [{name: node-1, allocatable: {cpu: "4"}}]
            quotas:
              - {name: compute, namespace: team-a, soft: {cpu: "2"}, allowBurst: true}
              - {name: compute, namespace: team-b, soft: {cpu: "2"}}
            workloads:
              - {name: batch, namespace: team-a, replicas: 4, priority: 1000, requests: {cpu: "1"}}
              - {name: api, namespace: team-b, replicas: 2, priority: 0, requests: {cpu: "1"}}
            """);
        Assert.Equal([false, false, true, true], report.Placements.Where(p => p.Workload == "batch").Select(p => p.Burst));
        // The latest burst replica goes first, then the next; team-a keeps its guaranteed two.
        Assert.Equal(["team-a/batch-3"], Find(report, "api", 0).Preempted);
        Assert.Equal(["team-a/batch-2"], Find(report, "api", 1).Preempted);
        Assert.Equal(new SimulationSummary(6, 0, 1), report.Summary);
    }

    [Fact]
    public void Run_GuaranteedReplica_NeverEvictsGuaranteedReplicasOfHigherPriority()
    {
        var report = Run("""
            nodes: [{name: node-1, allocatable: {cpu: "2"}}]
            quotas:
              - {name: compute, namespace: team-a, soft: {cpu: "2"}, allowBurst: true}
            workloads:
              - {name: batch, namespace: team-a, replicas: 2, priority: 1000, requests: {cpu: "1"}}
              - {name: api, namespace: team-b, replicas: 1, priority: 0, requests: {cpu: "1"}}
            """);
        var api = Find(report, "api", 0);
        Assert.Null(api.Node);
        Assert.Empty(api.Preempted);
    }

    [Fact]
    public void Run_BurstVictims_ArePreferredOverLowerPriorityGuaranteedOnes()
    {
        // node-1 holds a priority-50 burst replica; node-2 a priority-0 guaranteed one. Kubernetes' order alone would pick
        // node-2 (lowest highest-victim priority); burst replicas go first, so node-1 is chosen.
        var report = Run("""
            nodes:
              - {name: node-1, allocatable: {cpu: "2"}}
              - {name: node-2, allocatable: {cpu: "1"}}
            quotas:
              - {name: compute, namespace: team-a, soft: {cpu: "1"}, allowBurst: true}
            placed:
              - {name: a-0, namespace: team-a, node: node-1, priority: 50, requests: {cpu: "1"}, startTime: "2026-01-01T00:00:00Z"}
              - {name: a-1, namespace: team-a, node: node-1, priority: 50, requests: {cpu: "1"}, startTime: "2026-01-02T00:00:00Z"}
              - {name: low-0, namespace: default, node: node-2, priority: 0, requests: {cpu: "1"}}
            workloads:
              - {name: api, namespace: team-b, priority: 100, requests: {cpu: "1"}}
            """, explain: true);
        var api = Find(report, "api", 0);
        Assert.Equal("node-1", api.Node);
        Assert.Equal(["team-a/a-1"], api.Preempted);
        Assert.Equal(2, api.Preemption!.Candidates.Count);
    }

    [Fact]
    public void Run_WithoutQuotas_PreemptsAsBefore()
    {
        var report = Run("""
            nodes:
              - {name: node-1, allocatable: {cpu: "2"}}
              - {name: node-2, allocatable: {cpu: "1"}}
            placed:
              - {name: a-0, namespace: team-a, node: node-1, priority: 50, requests: {cpu: "1"}}
              - {name: a-1, namespace: team-a, node: node-1, priority: 50, requests: {cpu: "1"}}
              - {name: low-0, namespace: default, node: node-2, priority: 0, requests: {cpu: "1"}}
            workloads:
              - {name: api, namespace: team-b, priority: 100, requests: {cpu: "1"}}
            """);
        Assert.Equal(["default/low-0"], Find(report, "api", 0).Preempted);
    }

    [Fact]
    public void BurstReplicas_All_AreTheLeastImportantThatMakeUpTheExcess()
    {
        var scenario = ScenarioReader.Read("""
            nodes: [{name: node-1, allocatable: {cpu: "8"}}]
            quotas:
              - {name: compute, namespace: team-a, soft: {cpu: "2"}, allowBurst: true}
            placed:
              - {name: old, namespace: team-a, node: node-1, priority: 0, requests: {cpu: "1"}, startTime: "2026-01-01T00:00:00Z"}
              - {name: new, namespace: team-a, node: node-1, priority: 0, requests: {cpu: "1"}, startTime: "2026-01-03T00:00:00Z"}
              - {name: important, namespace: team-a, node: node-1, priority: 9, requests: {cpu: "1"}, startTime: "2026-01-05T00:00:00Z"}
              - {name: free, namespace: team-a, node: node-1, priority: 0}
            """);
        var snapshot = ClusterSnapshot.Create(scenario.Nodes);
        snapshot.Quotas = scenario.Quotas;
        foreach (var p in scenario.Placed)
        {
            snapshot.Place(snapshot.Compile(p.Spec), 0, p.Spec.Name, p.StartTime);
        }
        // 3 cpu against soft 2: one replica is burst; "free" asks no cpu and so cannot be the excess.
        Assert.Equal(["new"], BurstReplicas.All(snapshot).Select(r => r.Name));
    }

    [Theory]
    [InlineData("quotas: [{name: q, hard: {cpu: 1}, foo: 1}]", "quotas[0].foo")]
    [InlineData("quotas: [{name: q, hard: {cpu: 1}}, {name: q, soft: {cpu: 1}}]", "quotas[1].name")]
    [InlineData("quotas: [{name: q, hard: {cpu: 1}, soft: {cpu: 2}}]", "quotas[0].soft.cpu")]
    public void Read_BadQuotasSection_NamesThePath(string quotas, string path)
    {
        var error = Assert.Throws<ManifestException>(() => ScenarioReader.Read("nodes: []\n" + quotas));
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void Run_GangMemberOverTheHardLimit_PlacesNoneOfTheGang_AndGivesItsQuotaBack()
    {
        var report = Run("""
            nodes: [{name: node-1, allocatable: {cpu: "16"}}]
            quotas:
              - {name: compute, namespace: team-a, hard: {cpu: "3"}}
            workloads:
              - {name: trainer, namespace: team-a, replicas: 4, requests: {cpu: "1"}, gang: {minAvailable: 4, timeoutSeconds: 60}}
              - {name: web, namespace: team-a, replicas: 3, requests: {cpu: "1"}}
            """);

        Assert.All(report.Placements.Where(p => p.Workload == "trainer"), p => Assert.Null(p.Node));
        Assert.Contains("over the hard limit 3", Find(report, "trainer", 3).Reason, StringComparison.Ordinal);
        // The three members held before the fourth was refused gave their cpu back: web gets all of it.
        Assert.All(report.Placements.Where(p => p.Workload == "web"), p => Assert.Equal("node-1", p.Node));
    }
}
