using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Framework;

/// <summary>Reserve → Permit → PreBind → Bind → PostBind run in order for the plugins a profile names as binders.</summary>
public class BindingPointsTests
{
    /// <summary>A binder that records every call and answers as told.</summary>
    private sealed class Recorder(string name, List<string> calls) : IReservePlugin, IPermitPlugin, IBindPlugin
    {
        public PluginStatus ReserveAnswer { get; init; } = PluginStatus.Success;
        public PluginStatus PermitAnswer { get; init; } = PluginStatus.Success;
        public PluginStatus BindAnswer { get; init; } = PluginStatus.Success;

        public string Name => name;

        public PluginStatus Reserve(SchedulingCycle cycle, int node) => Record("Reserve", ReserveAnswer);

        public void Unreserve(SchedulingCycle cycle, int node) => calls.Add($"{name}.Unreserve");

        public PluginStatus Permit(SchedulingCycle cycle, int node) => Record("Permit", PermitAnswer);

        public PluginStatus PreBind(SchedulingCycle cycle, int node) => Record("PreBind", PluginStatus.Success);

        public PluginStatus Bind(SchedulingCycle cycle, int node) => Record("Bind", BindAnswer);

        public void PostBind(SchedulingCycle cycle, int node) => calls.Add($"{name}.PostBind");

        private PluginStatus Record(string point, PluginStatus answer)
        {
            calls.Add($"{name}.{point}");
            return answer;
        }
    }

    private static (PlacementResult Result, List<string> Calls) Schedule(Recorder first, Recorder second, List<string> calls)
    {
        var registry = new PluginRegistry();
        registry.Register(NodeResourcesFit.Name, _ => new NodeResourcesFit(NodeResourcesFitArgs.Default));
        registry.Register("first", _ => first);
        registry.Register("second", _ => second);
        var profile = new SchedulingProfile("bind", [new(NodeResourcesFit.Name)], [], [], Tiebreak.First, Binders: [new("first"), new("second")]);
        using var scheduler = new Scheduler(profile, registry);
        var snapshot = ClusterSnapshot.Create([Node("a")]);
        return (scheduler.Schedule(snapshot, snapshot.Compile(Workload())), calls);
    }

    [Fact]
    public void Schedule_RunsEveryPointInOrder_AndBindsWithTheFirstBinderThatDoesNotSkip()
    {
        var calls = new List<string>();
        var (result, _) = Schedule(new Recorder("first", calls) { BindAnswer = PluginStatus.Skip }, new Recorder("second", calls), calls);
        Assert.Equal(PlacementOutcome.Placed, result.Outcome);
        Assert.Equal(
            ["first.Reserve", "second.Reserve", "first.Permit", "second.Permit", "first.PreBind", "second.PreBind",
             "first.Bind", "second.Bind", "first.PostBind", "second.PostBind"],
            calls);
    }

    [Fact]
    public void Schedule_Fails_AndUnreservesWhatWasReserved_WhenAReserveFails()
    {
        var calls = new List<string>();
        var (result, _) = Schedule(new Recorder("first", calls), new Recorder("second", calls) { ReserveAnswer = PluginStatus.Unschedulable(0) }, calls);
        Assert.Equal(PlacementOutcome.Failed, result.Outcome);
        Assert.Equal(["first.Reserve", "second.Reserve", "first.Unreserve"], calls);
    }

    [Fact]
    public void Schedule_Waits_WhenAPermitSaysWait_WithoutBinding()
    {
        var calls = new List<string>();
        var (result, _) = Schedule(new Recorder("first", calls) { PermitAnswer = new PluginStatus(PluginStatusCode.Wait) }, new Recorder("second", calls), calls);
        Assert.Equal(PlacementOutcome.Waiting, result.Outcome);
        Assert.Equal("a", result.NodeName);
        Assert.DoesNotContain(calls, c => c.EndsWith(".Bind", StringComparison.Ordinal));
    }

    [Fact]
    public void Schedule_Fails_AndUnreservesInReverseOrder_WhenBindFails()
    {
        var calls = new List<string>();
        var (result, _) = Schedule(new Recorder("first", calls) { BindAnswer = new PluginStatus(PluginStatusCode.Error) }, new Recorder("second", calls), calls);
        Assert.Equal(PlacementOutcome.Failed, result.Outcome);
        Assert.Equal(["second.Unreserve", "first.Unreserve"], calls.Where(c => c.EndsWith("Unreserve", StringComparison.Ordinal)));
        Assert.DoesNotContain(calls, c => c.EndsWith("PostBind", StringComparison.Ordinal));
    }
}
