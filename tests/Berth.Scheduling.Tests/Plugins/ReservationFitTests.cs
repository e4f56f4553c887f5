using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

/// <summary>ReservationFit and the snapshot's reservation ledger: held capacity is kept for the reservation's own workloads.</summary>
public class ReservationFitTests
{
    private static ReservationSpec OnNodes(string name, string ns, string cpu, int priority, params string[] nodes) =>
        new(name, ns, ResourceList.Parse(("cpu", cpu)), nodes, Start: null, Expiry: null, priority);

    private static ReservationSpec ClusterWide(string name, string ns, string cpu) =>
        new(name, ns, ResourceList.Parse(("cpu", cpu)), [], Start: null, Expiry: null, Priority: 0);

    private static SchedulerHarness TwoNodes(SchedulingProfile? profile = null) =>
        new([Node("node-1").Allocatable("cpu", "4"), Node("node-2").Allocatable("cpu", "4")], profile ?? SchedulerHarness.DefaultWithoutPreemption());

    private static (long Reserved, long Used, long Held) Cpu(ClusterSnapshot snapshot, string ns, string name)
    {
        var hold = snapshot.Reservations.Find(ns, name)!;
        int r = hold.IndexOfResource("cpu");
        return (hold.Reserved(r), hold.Used(r), hold.Held(r));
    }

    [Fact]
    public void Filter_NodeHold_RefusesOthersTheHeldCapacity()
    {
        var harness = TwoNodes();
        harness.Place(Workload("filler").Requests(("cpu", "2")), "node-2");
        harness.Snapshot.HoldReservations([OnNodes("train", "team-a", "3", 0, "node-1")]);

        // node-1 has 4 cpu free but 3 held; node-2 has 2 free: a 2-cpu replica only fits node-2.
        var result = harness.Schedule(Workload("web").Requests(("cpu", "2")));

        Assert.Equal("node-2", result.NodeName);
        Assert.Contains("Insufficient cpu: held by reservation(s) team-a/train", SchedulerHarness.ReasonsOf(result, "node-1"));
    }

    [Fact]
    public void Schedule_ReservationsOwnWorkload_GoesToItsNodesAndUsesTheHold()
    {
        var harness = TwoNodes();
        harness.Snapshot.HoldReservations([OnNodes("train", "team-a", "3", 0, "node-1")]);
        harness.Place(Workload("filler").Requests(("cpu", "1")), "node-1");

        // node-2 is emptier, so without the reservation LeastAllocated would choose it.
        var chosen = harness.ScheduleAll(Workload("trainer").InNamespace("team-a").UsingReservation("train").Requests(("cpu", "3")));

        Assert.Equal(["node-1"], chosen);
        Assert.Equal((3000L, 3000L, 0L), Cpu(harness.Snapshot, "team-a", "train"));
    }

    [Fact]
    public void Schedule_WorkloadOfAnotherNamespaceNamingTheReservation_IsTreatedAsAnyOther()
    {
        var harness = TwoNodes();
        harness.Snapshot.HoldReservations([OnNodes("train", "team-a", "3", 0, "node-1")]);
        harness.Place(Workload("filler").Requests(("cpu", "4")), "node-2");

        var result = harness.Schedule(Workload("thief").InNamespace("team-b").UsingReservation("train").Requests(("cpu", "2")));

        Assert.False(result.IsPlaced);
        Assert.Contains("Insufficient cpu: held by reservation(s) team-a/train", SchedulerHarness.ReasonsOf(result, "node-1"));
        Assert.Equal((3000L, 0L, 3000L), Cpu(harness.Snapshot, "team-a", "train"));
    }

    [Fact]
    public void Schedule_ConsumerBeyondItsReservation_IsPlacedAsAnyOtherReplica()
    {
        var harness = TwoNodes();
        harness.Snapshot.HoldReservations([OnNodes("train", "team-a", "2", 0, "node-1")]);

        var chosen = harness.ScheduleAll(Workload("trainer").InNamespace("team-a").UsingReservation("train").Requests(("cpu", "2")).Replicas(3));

        // The first uses the hold on node-1; the others are ordinary replicas, placed by score (node-2, then node-1's free 2 cpu).
        Assert.Equal(["node-1", "node-2", "node-1"], chosen);
        Assert.Equal((2000L, 4000L, 0L), Cpu(harness.Snapshot, "team-a", "train"));
    }

    [Fact]
    public void PreFilter_ClusterWideAmount_IsNotEatenIntoByOthers()
    {
        var harness = TwoNodes();
        harness.Snapshot.HoldReservations([ClusterWide("burst", "team-b", "3")]);

        // 8 cpu free, 3 held anywhere: five ordinary 1-cpu replicas fit, the sixth would eat into the amount.
        var chosen = harness.ScheduleAll(Workload("web").Requests(("cpu", "1")).Replicas(6));
        Assert.Equal(5, chosen.Count(n => n is not null));
        Assert.Null(chosen[5]);
        var refused = harness.Schedule(Workload("web2").Requests(("cpu", "1")));
        Assert.Equal("0/2 nodes are available: Insufficient cpu: 3 free on ready nodes, of which 3 is held by cluster-wide reservation(s) team-b/burst; the replica asks for 1.",
            refused.Diagnostics.Summary);

        // team-b's own workload uses the amount, wherever it lands.
        var own = harness.ScheduleAll(Workload("batch").InNamespace("team-b").UsingReservation("burst").Requests(("cpu", "1")).Replicas(3));
        Assert.DoesNotContain(null, own);
        Assert.Equal((3000L, 3000L, 0L), Cpu(harness.Snapshot, "team-b", "burst"));
    }

    [Fact]
    public void HoldReservations_CompetingForTheSameNode_HigherPriorityTakesFreeCapacityFirst()
    {
        var harness = TwoNodes();
        harness.Place(Workload("filler").Requests(("cpu", "1")), "node-1");

        // 3 cpu free on node-1; listed low first, yet high takes its 2 cpu and low gets the 1 that is left.
        harness.Snapshot.HoldReservations([OnNodes("low", "team-a", "2", 1, "node-1"), OnNodes("high", "team-b", "2", 10, "node-1")]);

        Assert.Equal((2000L, 0L, 2000L), Cpu(harness.Snapshot, "team-b", "high"));
        Assert.Equal((2000L, 0L, 1000L), Cpu(harness.Snapshot, "team-a", "low"));
        Assert.Equal(["high", "low"], harness.Snapshot.Reservations.Holds.Select(h => h.Spec.Name));
    }

    [Fact]
    public void HoldReservations_OnAFullNode_HoldsOnlyWhatIsFreeAndEvictsNothing()
    {
        var harness = TwoNodes();
        harness.Place(Workload("running").Requests(("cpu", "3")), "node-1");

        harness.Snapshot.HoldReservations([OnNodes("train", "team-a", "3", 0, "node-1")]);

        Assert.Single(harness.Snapshot.ReplicasOn(0));
        Assert.Equal((3000L, 0L, 1000L), Cpu(harness.Snapshot, "team-a", "train"));
    }

    [Fact]
    public void Remove_ConsumerLeaves_ItsCapacityIsHeldAgain()
    {
        var harness = TwoNodes();
        harness.Snapshot.HoldReservations([OnNodes("train", "team-a", "3", 0, "node-1")]);
        var trainer = Workload("trainer").InNamespace("team-a").UsingReservation("train").Requests(("cpu", "2")).Build();
        harness.ScheduleAll(trainer);
        Assert.Equal((3000L, 2000L, 1000L), Cpu(harness.Snapshot, "team-a", "train"));

        harness.Snapshot.Remove(harness.Snapshot.ReplicasOn(0).Single());

        Assert.Equal((3000L, 0L, 3000L), Cpu(harness.Snapshot, "team-a", "train"));
    }

    [Fact]
    public void HoldReservations_ExpiredWhileUsed_ReplicasStayAndTheUnusedHoldReturns()
    {
        var harness = TwoNodes();
        harness.Place(Workload("filler").Requests(("cpu", "4")), "node-2");
        harness.Snapshot.HoldReservations([OnNodes("train", "team-a", "4", 0, "node-1")]);
        harness.ScheduleAll(Workload("trainer").InNamespace("team-a").UsingReservation("train").Requests(("cpu", "2")));
        Assert.False(harness.Schedule(Workload("web").Requests(("cpu", "2"))).IsPlaced);

        // The reservation expires: the caller takes the holds again without it.
        harness.Snapshot.HoldReservations([]);

        Assert.Single(harness.Snapshot.ReplicasOn(0));
        Assert.Equal(0, harness.Snapshot.Reservations.Count);
        Assert.Equal("node-1", harness.Schedule(Workload("web").Requests(("cpu", "2"))).NodeName);
    }

    [Fact]
    public void Preemption_NeverMakesRoomInHeldCapacity()
    {
        var harness = new SchedulerHarness([Node("node-1").Allocatable("cpu", "4"), Node("node-2").Allocatable("cpu", "4")], BuiltInProfiles.Default);
        harness.Place(Workload("low-1").Requests(("cpu", "1")), "node-1");
        harness.Place(Workload("low-2").Requests(("cpu", "4")), "node-2");
        harness.Snapshot.HoldReservations([OnNodes("train", "team-a", "3", 0, "node-1")]);

        // Evicting low-1 on node-1 frees 1 cpu beside the 3 held: not enough; evicting low-2 on node-2 is.
        var result = harness.Schedule(Workload("urgent").Requests(("cpu", "2")).Priority(100));

        Assert.Equal("node-2", result.NodeName);
        Assert.Equal(["default/low-2-0"], result.Victims.Select(v => v.Key));
    }

    [Fact]
    public void Clone_ConsumingOnTheCopy_LeavesTheOriginalsHoldAlone()
    {
        var harness = TwoNodes();
        harness.Snapshot.HoldReservations([OnNodes("train", "team-a", "3", 0, "node-1")]);
        var copy = harness.Snapshot.Clone();

        var info = copy.Compile(Workload("trainer").InNamespace("team-a").UsingReservation("train").Requests(("cpu", "3")));
        copy.Place(info, 0, "trainer-0");

        Assert.Equal((3000L, 3000L, 0L), Cpu(copy, "team-a", "train"));
        Assert.Equal((3000L, 0L, 3000L), Cpu(harness.Snapshot, "team-a", "train"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Filter_AloneInAProfile_OnlyTakesAwayWhatHoldsTake(bool withReservation)
    {
        // Alone, the plugin checks no plain capacity (NodeResourcesFit does): without holds every node passes, even for
        // a replica larger than any node; with a hold on node-1, node-1 is refused for it.
        var harness = TwoNodes(SchedulerHarness.Only([ReservationFit.Name]));
        if (withReservation)
        {
            harness.Snapshot.HoldReservations([OnNodes("train", "team-a", "1", 0, "node-1")]);
        }

        var result = harness.Schedule(Workload("huge").Requests(("cpu", "64")));

        Assert.Equal(withReservation ? ["node-2"] : ["node-1", "node-2"], SchedulerHarness.FeasibleNodes(result));
    }
}
