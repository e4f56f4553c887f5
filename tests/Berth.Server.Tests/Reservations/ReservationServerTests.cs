using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;
using Berth.Server.Api;
using Berth.Server.Placement;
using Berth.Server.Reservations;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Reservations;

/// <summary>
/// Reservations in the server: applied as objects, held in the placer's snapshot at the server's time, used by their own
/// namespace's workloads, removed at expiry with an event, and listed with reserved, used and held amounts.
/// </summary>
public sealed class ReservationServerTests
{
    private static readonly DateTimeOffset T0 = StateFixtures.T0;

    /// <summary>team-a/train: 3 cpu on n1, from <paramref name="startMinutes"/> after T0 to one hour after T0.</summary>
    private static string TrainManifest(int startMinutes = -1) => $$"""
        apiVersion: berth.dev/v1
        kind: Reservation
        metadata: {name: train, namespace: team-a}
        spec:
          resources: {cpu: "3"}
          nodes: [n1]
          start: "{{T0.AddMinutes(startMinutes):yyyy-MM-ddTHH:mm:ssZ}}"
          expiry: "{{T0.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}"
          priority: 5
        """;

    private static StoredObject Read(string manifest) =>
        ObjectKinds.Reservations.Read(Assert.Single(ManifestDocumentReader.ReadAll(manifest)));

    private static WorkloadSpec Trainer(string cpu = "3") =>
        StateFixtures.Workload("trainer", cpu: cpu, memory: "1Gi") with { Namespace = "team-a", Reservation = "train" };

    private sealed class Cluster : IAsyncDisposable
    {
        public Cluster()
        {
            Time = new ManualTimeProvider(T0);
            Events = new EventLog(H.Store, Time, "test");
            Cache = new ClusterCache(H.Store) { Clock = Time };
            Placer = new WorkloadPlacer(H.Store, Events, null, new SchedulerOptions(1), Cache);
            Writer = new WorkloadWriter(H.Store, Events);
            Keeper = new ReservationKeeper(H.Store, Events, Cache);
        }

        public StateHarness H { get; } = new();

        public ManualTimeProvider Time { get; }

        public EventLog Events { get; }

        public ClusterCache Cache { get; }

        public WorkloadPlacer Placer { get; }

        public WorkloadWriter Writer { get; }

        public ReservationKeeper Keeper { get; }

        /// <summary>Places the workload's replicas; their nodes in replica order, "-" for one left unplaced.</summary>
        public async Task<string> PlaceAsync(WorkloadSpec workload)
        {
            var pass = await Placer.PlaceAsync(WorkloadKey.Of(workload));
            return string.Join(" ", pass.Replicas.Select(r => r.Kind == ReplicaOutcomeKind.Placed ? r.Node : "-"));
        }

        public async Task<ReservedResource> CpuAsync()
        {
            var usage = await new ReservationQueries(H.Store, Time).ListAsync();
            return Assert.Single(Assert.Single(usage).Resources);
        }

        public async ValueTask DisposeAsync()
        {
            Placer.Dispose();
            await H.DisposeAsync();
        }
    }

    private static async Task<Cluster> TwoNodesAsync(string reservation)
    {
        var c = new Cluster();
        await c.H.PutAsync(StateFixtures.Node("n1", cpu: "4"));
        await c.H.PutAsync(StateFixtures.Node("n2", cpu: "4"));
        await c.Writer.ApplyAsync([], [Read(reservation)]);
        return c;
    }

    [Fact]
    public async Task Apply_ReservationManifest_StoresTheSpecAsRead()
    {
        await using var c = await TwoNodesAsync(TrainManifest());

        var stored = await c.H.Store.GetAsync("/objects/reservations/team-a/train");
        var spec = (ReservationSpec)ObjectKinds.Reservations.Deserialize(stored!.Value.Span);

        Assert.Equal(Read(TrainManifest()).Spec, spec);
        Assert.Equal(["n1"], spec.Nodes);
        Assert.Equal((5, T0.AddHours(1), T0.AddMinutes(-1)), (spec.Priority, spec.Expiry!.Value, spec.Start!.Value));
    }

    [Fact]
    public void Read_ReservationWithoutExpiry_IsRefusedNamingTheField()
    {
        var error = Assert.Throws<ManifestException>(() => Read("""
            apiVersion: berth.dev/v1
            kind: Reservation
            metadata: {name: r}
            spec: {resources: {cpu: "1"}}
            """));

        Assert.Equal("spec.expiry: required field is missing", error.Message);
    }

    [Fact]
    public async Task Place_ActiveNodeReservation_OthersStayOffTheHoldAndTheOwnerUsesIt()
    {
        await using var c = await TwoNodesAsync(TrainManifest());
        var web = StateFixtures.Workload("web", replicas: 3, cpu: "2");
        await c.H.PutAsync(web);
        await c.H.PutAsync(Trainer());

        // n1 has 1 unreserved cpu: two 2-cpu replicas fit on n2 only, the third waits.
        Assert.Equal("n2 n2 -", await c.PlaceAsync(web));
        Assert.Equal("n1", await c.PlaceAsync(Trainer()));
        Assert.Equal(new ReservedResource("cpu", "3", "3", "0"), await c.CpuAsync());
    }

    [Fact]
    public async Task Place_ReservationNotStartedYet_HoldsNothingUntilItsStart()
    {
        await using var c = await TwoNodesAsync(TrainManifest(startMinutes: 10));
        var early = StateFixtures.Workload("early", replicas: 1, cpu: "2");
        await c.H.PutAsync(early);
        await c.H.PutAsync(StateFixtures.Node("n2", cpu: "1"));

        Assert.Equal("n1", await c.PlaceAsync(early));
        Assert.Equal(ReservationUsage.Pending, Assert.Single(await new ReservationQueries(c.H.Store, c.Time).ListAsync()).State);

        c.Time.Advance(TimeSpan.FromMinutes(10));
        var late = StateFixtures.Workload("late", replicas: 1, cpu: "2");
        await c.H.PutAsync(late);

        // Started: of n1's 2 free cpu, the reservation holds both (it never evicts 'early'), so 'late' fits nowhere.
        Assert.Equal("-", await c.PlaceAsync(late));
        Assert.Equal(new ReservedResource("cpu", "3", "0", "2"), await c.CpuAsync());
    }

    [Fact]
    public async Task Expire_ReservationExpiringWhileUsed_IsRemovedWithAnEvent_ItsReplicasKeepRunning_AndTheHoldReturns()
    {
        await using var c = await TwoNodesAsync(TrainManifest());
        await c.H.PutAsync(StateFixtures.Node("n2", cpu: "0"));
        var trainer = Trainer(cpu: "2");
        await c.H.PutAsync(trainer);
        Assert.Equal("n1", await c.PlaceAsync(trainer));
        var web = StateFixtures.Workload("web", replicas: 1, cpu: "2");
        await c.H.PutAsync(web);
        Assert.Equal("-", await c.PlaceAsync(web));
        Assert.Empty(await c.Keeper.ExpireAsync());

        c.Time.Advance(TimeSpan.FromHours(1));
        var removed = await c.Keeper.ExpireAsync();

        Assert.Equal(["team-a/train"], removed);
        Assert.Null(await c.H.Store.GetAsync("/objects/reservations/team-a/train"));
        var expired = Assert.Single(await c.Events.ReadAfterAsync(0), e => e.Type == ClusterEventType.ReservationExpired);
        Assert.Equal(("team-a/train", "reservation team-a/train expired at 2026-01-01T13:00:00Z and was removed: cpu=3 on each of n1 is no longer held; 1 replica(s) using it keep running"),
            (expired.Subject, expired.Message));
        var kept = await c.H.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(WorkloadKey.Of(trainer))));
        Assert.Equal("n1", StateSerializer.Deserialize<Assignment>(Assert.Single(kept.Kvs).Value.Span).Node);
        // n1: 2 cpu used by the trainer, the hold's unused 1 cpu and the free 1 returned: 2 free, so web fits now.
        Assert.Equal("n1", await c.PlaceAsync(web));
        Assert.Empty(await new ReservationQueries(c.H.Store, c.Time).ListAsync());
    }

    [Fact]
    public async Task Place_AfterExpiryBeforeRemoval_TheHoldIsAlreadyGone()
    {
        await using var c = await TwoNodesAsync(TrainManifest());
        await c.H.PutAsync(StateFixtures.Node("n2", cpu: "0"));
        c.Time.Advance(TimeSpan.FromHours(2));
        var web = StateFixtures.Workload("web", replicas: 1, cpu: "4");
        await c.H.PutAsync(web);

        Assert.Equal("n1", await c.PlaceAsync(web));
        Assert.Equal(ReservationUsage.Expired, Assert.Single(await new ReservationQueries(c.H.Store, c.Time).ListAsync()).State);
    }

    [Fact]
    public async Task Preview_ActiveReservation_PlansAsThePlacerWould()
    {
        await using var c = await TwoNodesAsync(TrainManifest());
        using var preview = new PlacementPreview(c.H.Store) { Clock = c.Time };

        var plan = await preview.PreviewAsync([StateFixtures.Workload("web", replicas: 3, cpu: "2")]);

        var replicas = Assert.Single(plan.Workloads).Replicas;
        Assert.Equal("n2 n2 -", string.Join(" ", replicas.Select(r => r.Action == ReplicaPreviewAction.Place ? r.Node : "-")));
        Assert.Contains("Insufficient cpu: held by reservation(s) team-a/train", replicas[2].Detail, StringComparison.Ordinal);
    }
}
