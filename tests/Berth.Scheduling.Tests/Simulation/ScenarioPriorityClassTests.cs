using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Scheduling.Simulation;

namespace Berth.Scheduling.Tests.Simulation;

/// <summary>The scenario's <c>priorityClasses</c> section and <c>priorityClassName</c> on workloads and placed replicas.</summary>
public class ScenarioPriorityClassTests
{
    private const string Classes = """
        priorityClasses:
          - {name: batch, value: 10, preemptionPolicy: Never, description: "can wait"}
          - {name: critical, value: 1000, description: "pages someone"}
          - {name: normal, value: 100, globalDefault: true}
        nodes: [{name: n1, allocatable: {cpu: "2"}}]

        """;

    private static ManifestException Error(string yaml) => Assert.Throws<ManifestException>(() => ScenarioReader.Read(yaml));

    [Fact]
    public void Read_GivesANamedClassValueAndPolicy()
    {
        var scenario = ScenarioReader.Read(Classes + """
            workloads:
              - {name: cron, priorityClassName: batch}
              - {name: api, priorityClassName: critical}
            """);

        var cron = scenario.Workloads[0];
        Assert.Equal(10, cron.Priority);
        Assert.Equal(PreemptionPolicy.Never, cron.PreemptionPolicy);
        Assert.Equal("batch", cron.PriorityClassName);
        Assert.Equal(1000, scenario.Workloads[1].Priority);
        Assert.Equal(PreemptionPolicy.PreemptLowerPriority, scenario.Workloads[1].PreemptionPolicy);
    }

    [Fact]
    public void Read_GivesTheGlobalDefault_OnlyToEntriesWithoutClassOrPriority()
    {
        var scenario = ScenarioReader.Read(Classes + """
            placed:
              - {name: old, node: n1}
              - {name: pinned, node: n1, priority: 5}
            workloads:
              - {name: plain}
            """);

        Assert.Equal(100, scenario.Placed[0].Spec.Priority);
        Assert.Equal(5, scenario.Placed[1].Spec.Priority);
        Assert.Equal(100, scenario.Workloads[0].Priority);
    }

    [Fact]
    public void Read_KeepsTheWorkloadsOwnPreemptionPolicy_OverTheClasss()
    {
        var scenario = ScenarioReader.Read(Classes + """
            workloads:
              - {name: cron, priorityClassName: batch, preemptionPolicy: PreemptLowerPriority}
            """);

        Assert.Equal(PreemptionPolicy.PreemptLowerPriority, scenario.Workloads[0].PreemptionPolicy);
    }

    [Fact]
    public void Read_GivesPlacedReplicasTheirClassValue()
    {
        var scenario = ScenarioReader.Read(Classes + """
            placed:
              - {name: old, node: n1, priorityClassName: batch}
            """);

        Assert.Equal(10, scenario.Placed[0].Spec.Priority);
    }

    [Fact]
    public void Read_WithoutClasses_LeavesPrioritiesAsGiven()
    {
        var scenario = ScenarioReader.Read("nodes: [{name: n1}]\nworkloads: [{name: a, priority: 7}, {name: b}]\n");

        Assert.Equal(7, scenario.Workloads[0].Priority);
        Assert.Equal(0, scenario.Workloads[1].Priority);
    }

    [Theory]
    [InlineData("workloads: [{name: a, priorityClassName: gold}]",
        "workloads[0].priorityClassName: no priority class named 'gold' (there are batch, critical, normal)")]
    [InlineData("workloads: [{name: a, priorityClassName: batch, priority: 3}]",
        "workloads[0].priority: 3 differs from 10, the value of priority class 'batch'")]
    [InlineData("placed: [{name: a, node: n1, priorityClassName: Gold}]",
        "placed[0].priorityClassName: 'Gold' is not a valid name")]
    public void Read_Throws_WithFieldPath(string yaml, string expectedStart)
    {
        var e = Error(Classes + yaml);
        Assert.StartsWith(expectedStart, e.Message);
    }

    [Theory]
    [InlineData("priorityClasses: [{name: a, value: 1, globalDefault: true}, {name: b, value: 2, globalDefault: true}]",
        "priorityClasses[1].globalDefault: priority class 'a' is already the global default")]
    [InlineData("priorityClasses: [{name: a, value: 1}, {name: a, value: 2}]", "priorityClasses[1].name: priority class 'a' is listed twice")]
    [InlineData("priorityClasses: [{name: a}]", "priorityClasses[0].value:")]
    [InlineData("priorityClasses: [{name: a, value: 2000000000}]", "priorityClasses[0].value: 2000000000 is above 1000000000")]
    [InlineData("priorityClasses: [{name: a, value: 1, preemptionPolicy: Sometimes}]", "priorityClasses[0].preemptionPolicy: 'Sometimes' is not valid")]
    [InlineData("priorityClasses: [{name: a, value: 1, colour: red}]", "priorityClasses[0].colour: unknown field")]
    public void Read_RefusesBadClasses_WithFieldPath(string yaml, string expectedStart)
    {
        var e = Error("nodes: [{name: n1}]\n" + yaml);
        Assert.StartsWith(expectedStart, e.Message);
    }

    [Fact]
    public void Run_PreemptsWithClassPriorities_AndNeverClassesWait()
    {
        // The node is full of priority-1 replicas. critical (1000) preempts one; batch (10, Never) may not, though higher.
        var scenario = ScenarioReader.Read(Classes + """
            placed:
              - {name: b1, node: n1, priority: 1, requests: {cpu: "1"}}
              - {name: b2, node: n1, priority: 1, requests: {cpu: "1"}}
            workloads:
              - {name: urgent, priorityClassName: critical, requests: {cpu: "1"}}
              - {name: later, priorityClassName: batch, requests: {cpu: "1"}}
            """);

        var report = new Simulator().Run(scenario, explain: false);

        Assert.Equal("n1", report.Placements[0].Node);
        Assert.Single(report.Placements[0].Preempted);
        Assert.Null(report.Placements[1].Node);
        Assert.Empty(report.Placements[1].Preempted);
    }
}
