using Berth.Core.Manifests;
using Berth.Scheduling.Simulation;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Tests.Simulation;

/// <summary>The scenario's <c>reservations</c> section and a workload's <c>reservation</c> field, read and honoured in placement.</summary>
public class SimulatorReservationTests
{
    private const string Cluster = """
        profile: {tiebreak: first}
        nodes:
          - {name: node-1, allocatable: {cpu: "4", memory: 8Gi}}
          - {name: node-2, allocatable: {cpu: "4", memory: 8Gi}}

        """;

    private static SimulationReport Run(string yaml) => new Simulator().Run(ScenarioReader.Read(yaml));

    private static ReservedResource CpuOf(SimulationReport report, string name) =>
        report.Reservations.Single(r => r.Name == name).Resources.Single(x => x.Name == "cpu");

    [Fact]
    public void Run_NodeReservation_KeepsItsCapacityForItsNamespace()
    {
        var report = Run(Cluster + """
            reservations:
              - {name: train, namespace: team-a, resources: {cpu: "3"}, nodes: [node-1]}
            workloads:
              - {name: web, replicas: 3, requests: {cpu: "2"}}
              - {name: trainer, namespace: team-a, reservation: train, requests: {cpu: "3"}}
            """);

        // web: node-1 has 1 unreserved cpu, so only node-2 takes two replicas and the third waits.
        Assert.Equal(["node-2", "node-2", null, "node-1"], report.Placements.Select(p => p.Node));
        Assert.Equal(new ReservedResource("cpu", "3", "3", "0"), CpuOf(report, "train"));
        Assert.Equal(ReservationUsage.Active, report.Reservations.Single().State);
    }

    [Theory]
    [InlineData("2026-12-01T00:30:00Z", "Pending", "node-1")]
    [InlineData("2026-12-01T12:00:00Z", "Active", "node-2")]
    [InlineData("2026-12-02T00:00:00Z", "Expired", "node-1")]
    public void Run_ReservationTimes_HoldOnlyBetweenStartAndExpiry(string time, string state, string webNode)
    {
        var report = Run(Cluster + $"""
            time: "{time}"
            reservations:
              - {"{"}name: train, namespace: team-a, resources: {"{"}cpu: "4"{"}"}, nodes: [node-1], start: "2026-12-01T01:00:00Z", expiry: "2026-12-02T00:00:00Z"{"}"}
            workloads:
              - {"{"}name: web, requests: {"{"}cpu: "1"{"}"}{"}"}
            """);

        Assert.Equal(state, report.Reservations.Single().State);
        Assert.Equal(webNode, report.Placements.Single().Node);
    }

    [Fact]
    public void Run_PlacedReplicaNamingTheReservation_CountsAsUsingIt()
    {
        var report = Run(Cluster + """
            reservations:
              - {name: train, namespace: team-a, resources: {cpu: "3"}, nodes: [node-1]}
            placed:
              - {name: trainer-0, namespace: team-a, node: node-1, reservation: train, requests: {cpu: "2"}}
            workloads:
              - {name: web, requests: {cpu: "2"}}
            """);

        Assert.Equal(new ReservedResource("cpu", "3", "2", "1"), CpuOf(report, "train"));
        Assert.Equal("node-2", report.Placements.Single().Node);
    }

    [Theory]
    [InlineData("""
        reservations: [{name: r, namespace: team-a, resources: {cpu: "1"}}]
        workloads: [{name: w, namespace: team-b, reservation: r}]
        """, "workloads[0].reservation: no reservation 'r' in namespace 'team-b'; it is in namespace team-a; a workload may only use a reservation of its own namespace")]
    [InlineData("""
        workloads: [{name: w, reservation: nope}]
        """, "workloads[0].reservation: no reservation 'nope' in namespace 'default'; add it under reservations or remove the field")]
    [InlineData("""
        reservations: [{name: r, resources: {cpu: "1"}, nodes: [node-9]}]
        """, "reservations[0].nodes[0]: no node named 'node-9' in nodes")]
    [InlineData("""
        reservations: [{name: r, resources: {cpu: "1"}, start: "2026-12-02T00:00:00Z", expiry: "2026-12-01T00:00:00Z"}]
        """, "reservations[0].expiry: '2026-12-01T00:00:00Z' is not after start '2026-12-02T00:00:00Z'; give an expiry later than the start")]
    [InlineData("""
        reservations: [{name: r, resources: {}}]
        """, "reservations[0].resources: reserves nothing; give at least one resource, e.g. {cpu: \"4\", memory: 8Gi}")]
    [InlineData("""
        reservations: [{name: r, resources: {cpu: "0"}}]
        """, "reservations[0].resources.cpu: '0' reserves nothing; give an amount above zero")]
    [InlineData("""
        reservations: [{name: r, resources: {cpu: "1"}}, {name: r, resources: {cpu: "2"}}]
        """, "reservations[1].name: reservation 'default/r' is listed twice")]
    public void Read_BadReservation_FailsNamingTheField(string section, string message)
    {
        var error = Assert.Throws<ManifestException>(() => ScenarioReader.Read(Cluster + section));
        Assert.Equal(message, error.Message);
    }
}
