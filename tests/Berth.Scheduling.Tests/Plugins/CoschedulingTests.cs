using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

/// <summary>The Permit point holds a gang's replicas until minAvailable are placed or held.</summary>
public class CoschedulingTests
{
    private static readonly SchedulingProfile Profile = Coscheduling.Enable(BuiltInProfiles.Default with { Tiebreak = Tiebreak.First });

    [Fact]
    public void Schedule_GangOfThree_WaitsTwice_ThenPermitsTheThird()
    {
        using var scheduler = new Scheduler(Profile);
        var snapshot = ClusterSnapshot.Create([Node("a").Allocatable("cpu", "4")]);
        var info = snapshot.Compile((WorkloadSpec)Workload("job").Replicas(3).Requests(("cpu", "1")) with { Gang = new GangPolicy(3, 60) });

        var outcomes = new List<PlacementOutcome>();
        for (int replica = 0; replica < 3; replica++)
        {
            var result = scheduler.Schedule(snapshot, info, replica);
            outcomes.Add(result.Outcome);
            snapshot.Place(info, result.Node, $"job-{replica}");
        }

        Assert.Equal([PlacementOutcome.Waiting, PlacementOutcome.Waiting, PlacementOutcome.Placed], outcomes);
        Assert.Equal(3, Coscheduling.PlacedOf(snapshot, info));
    }

    [Fact]
    public void Schedule_WorkloadWithoutGang_IsPlacedAtOnce()
    {
        using var scheduler = new Scheduler(Profile);
        var snapshot = ClusterSnapshot.Create([Node("a").Allocatable("cpu", "4")]);
        var info = snapshot.Compile(Workload("web").Requests(("cpu", "1")));

        Assert.Equal(PlacementOutcome.Placed, scheduler.Schedule(snapshot, info).Outcome);
    }

    [Fact]
    public void Schedule_GangMemberThatPreempts_WaitsAtPermit_WithItsVictims()
    {
        // The victims are only evicted if the gang stands: the caller holds them with the member.
        using var scheduler = new Scheduler(Profile);
        var snapshot = ClusterSnapshot.Create([Node("a").Allocatable("cpu", "1")]);
        snapshot.Place(snapshot.Compile(Workload("low").Requests(("cpu", "1"))), 0, "low-0");
        var info = snapshot.Compile((WorkloadSpec)Workload("job").Replicas(2).Priority(100).Requests(("cpu", "1")) with { Gang = new GangPolicy(2, 60) });

        var result = scheduler.Schedule(snapshot, info, 0);

        Assert.Equal(PlacementOutcome.Waiting, result.Outcome);
        Assert.Equal(["default/low-0"], result.Victims.Select(v => v.Key));
    }

    [Fact]
    public void Enable_AddsThePluginOnce()
    {
        var once = Coscheduling.Enable(BuiltInProfiles.Default);
        Assert.Same(once, Coscheduling.Enable(once));
        Assert.Equal([Coscheduling.Name], once.Binders!.Select(b => b.Name));
    }
}
