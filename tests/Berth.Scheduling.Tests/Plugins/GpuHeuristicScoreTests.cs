using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class GpuHeuristicScoreTests
{
    private static SchedulerHarness Harness(SchedulingProfile profile) =>
        new([Node("busy").Allocatable("nvidia.com/gpu", "4"), Node("idle").Allocatable("nvidia.com/gpu", "4")], profile with { PostFilters = [], Tiebreak = Tiebreak.First });

    [Theory]
    [InlineData("gpu-bestfit")]
    [InlineData("gpu-packing")]
    public void Baseline_PutsAShareBesideOtherGpuWork(string profile)
    {
        var h = Harness(BuiltInProfiles.Find(profile)!);
        h.Place(Workload("running").Requests(("nvidia.com/gpu", "500m")), "busy");
        Assert.Equal("busy", h.Schedule(Workload().Requests(("nvidia.com/gpu", "300m"))).NodeName);
    }

    [Fact]
    public void DotProduct_PrefersTheNodeWhoseFreeResourcesAlignWithTheRequest()
    {
        var h = Harness(BuiltInProfiles.GpuDotProduct);
        h.Place(Workload("running").Requests(("nvidia.com/gpu", "3")), "busy");
        Assert.Equal("idle", h.Schedule(Workload().Requests(("nvidia.com/gpu", "1"))).NodeName);
    }

    [Fact]
    public void Baselines_SkipReplicasWithoutGpus()
    {
        var h = Harness(BuiltInProfiles.GpuBestFit);
        var result = h.Schedule(Workload());
        Assert.DoesNotContain(GpuHeuristicScore.BestFitName, result.Diagnostics.Nodes![0].Scores.Keys);
    }
}
