using Berth.Core.Manifests;
using Berth.Core.Resources;
using Berth.Core.Tests.Fixtures;

namespace Berth.Core.Tests.Manifests;

public class ReservationManifestReaderTests
{
    private const string Envelope = """
        apiVersion: berth.dev/v1
        kind: Reservation
        metadata: {name: training, namespace: team-a}

        """;

    private static Berth.Core.Specs.ReservationSpec Read(string spec) =>
        ReservationManifestReader.Read(Assert.Single(ManifestDocumentReader.ReadAll(Envelope + spec)));

    [Fact]
    public void Read_FullSpec_ReadsEveryField()
    {
        var spec = Read("""
            spec:
              resources: {cpu: "2", memory: 4Gi}
              nodes: [n1, n2]
              start: "2026-12-01T00:00:00Z"
              expiry: "2026-12-02T00:00:00+01:00"
              priority: 7
            """);

        Assert.Equal(("team-a/training", 7, false), (spec.Key, spec.Priority, spec.IsClusterWide));
        Assert.Equal(ResourceList.Parse(("cpu", "2"), ("memory", "4Gi")), spec.Resources);
        Assert.Equal(["n1", "n2"], spec.Nodes);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero), spec.Expiry);
        Assert.True(spec.IsActiveAt(new DateTimeOffset(2026, 12, 1, 22, 59, 59, TimeSpan.Zero)));
        Assert.False(spec.IsActiveAt(new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero)));
        Assert.False(spec.IsActiveAt(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("spec: {expiry: \"2026-12-02T00:00:00Z\"}", "spec.resources: required field is missing")]
    [InlineData("spec: {resources: {cpu: \"1\"}}", "spec.expiry: required field is missing")]
    [InlineData("spec: {resources: {pods: \"3\"}, expiry: \"2026-12-02T00:00:00Z\"}", "spec.resources.pods: pods cannot be reserved; reserve cpu, memory, ephemeral-storage or an extended resource")]
    [InlineData("spec: {resources: {cpu: \"1\"}, expiry: tomorrow}", "spec.expiry: 'tomorrow' is not a time; use RFC 3339, e.g. 2026-01-01T00:00:00Z")]
    [InlineData("spec: {resources: {cpu: \"1\"}, nodes: [n1, n1], expiry: \"2026-12-02T00:00:00Z\"}", "spec.nodes[1]: node 'n1' is listed twice")]
    [InlineData("spec: {resources: {cpu: \"1\"}, expiry: \"2026-12-02T00:00:00Z\", ttl: 1h}", "spec.ttl: unknown field")]
    public void Read_BadSpec_FailsNamingTheField(string spec, string message)
    {
        var error = Assert.Throws<ManifestException>(() => Read(spec));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void WorkloadRead_ReservationField_IsReadAndChecked()
    {
        const string workload = """
            apiVersion: berth.dev/v1
            kind: Workload
            metadata: {name: trainer, namespace: team-a}
            spec:
              reservation: RESERVATION
              containers: [{name: main, command: [sleep, "60"]}]
            """;

        Assert.Equal("training", Assert.Single(WorkloadManifestReader.ReadAll(workload.Replace("RESERVATION", "training", StringComparison.Ordinal))).Reservation);
        Assert.Null(Assert.Single(WorkloadManifestReader.ReadAll(workload.Replace("RESERVATION", "\"\"", StringComparison.Ordinal))).Reservation);
        var error = Assert.Throws<ManifestException>(() => WorkloadManifestReader.ReadAll(workload.Replace("RESERVATION", "Not_A_Name", StringComparison.Ordinal)));
        Assert.StartsWith("spec.reservation: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExampleManifest_ReadsAsAReservationAndAWorkloadUsingIt()
    {
        var documents = ManifestDocumentReader.ReadAll(RepositoryPaths.ReadExample("reservations", "training.yaml"));

        var reservation = ReservationManifestReader.Read(documents[0]);
        var workload = WorkloadManifestReader.Read(documents[1]);

        Assert.Equal((reservation.Name, reservation.Namespace), (workload.Reservation, workload.Namespace));
    }
}
