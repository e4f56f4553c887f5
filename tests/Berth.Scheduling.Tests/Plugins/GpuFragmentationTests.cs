using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class GpuFragmentationTests
{
    /// <summary>Kubernetes' default profile as it was before GpuFragmentation joined it.</summary>
    private static readonly SchedulingProfile Kubernetes = SchedulerHarness.DefaultWithoutPreemption() with { Scores = BuiltInProfiles.DefaultScores };

    [Fact]
    public void DefaultProfile_PlacesReplicasWithoutGpus_ExactlyAsKubernetes()
    {
        var random = new Random(7);
        var nodes = Enumerable.Range(0, 40).Select(i => Node($"n{i}")
            .Allocatable("cpu", $"{4 + random.Next(60)}").Allocatable("memory", $"{16 + random.Next(500)}Gi")
            .Allocatable("nvidia.com/gpu", $"{random.Next(3) * 4}").Label("gpu.model", i % 2 == 0 ? "T4" : "G2").Build()).ToArray();
        var ours = new SchedulerHarness(nodes, SchedulerHarness.DefaultWithoutPreemption());
        var theirs = new SchedulerHarness(nodes, Kubernetes);
        for (int i = 0; i < 300; i++)
        {
            // GPU replicas go through both too (each harness decides them its own way, one node for both, so the states stay equal).
            var workload = Workload($"w{i}").Requests(("cpu", $"{1 + random.Next(8)}"), ("memory", $"{1 + random.Next(30)}Gi")).Build();
            bool gpu = random.Next(3) == 0;
            if (gpu)
            {
                workload = Workload($"g{i}").Requests(("cpu", "1"), ("memory", "1Gi"), ("nvidia.com/gpu", random.Next(2) == 0 ? "1" : "300m")).Build();
                var decided = ours.Scheduler.Schedule(ours.Snapshot, ours.Snapshot.Compile(workload));
                theirs.Scheduler.Schedule(theirs.Snapshot, theirs.Snapshot.Compile(workload));
                if (decided.IsPlaced)
                {
                    ours.Place(workload, decided.NodeName!);
                    theirs.Place(workload, decided.NodeName!);
                }
                continue;
            }
            var a = ours.Scheduler.Schedule(ours.Snapshot, ours.Snapshot.Compile(workload));
            var b = theirs.Scheduler.Schedule(theirs.Snapshot, theirs.Snapshot.Compile(workload));
            Assert.Equal(b.NodeName, a.NodeName);
            if (a.IsPlaced)
            {
                ours.Place(workload, a.NodeName!);
                theirs.Place(workload, a.NodeName!);
            }
        }
    }

    [Fact]
    public void Score_KeepsBigNodesWhole_WhenWholeNodeWorkArrives()
    {
        // Eight-device work has been arriving: a one-device replica goes to the small node and leaves the big one whole.
        var h = new SchedulerHarness([Node("big").Allocatable("nvidia.com/gpu", "8"), Node("small").Allocatable("nvidia.com/gpu", "2")],
            SchedulerHarness.DefaultWithoutPreemption());
        var eight = Workload("eight").Requests(("cpu", "100m"), ("memory", "100Mi"), ("nvidia.com/gpu", "8")).Build();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(h.Schedule(eight, explain: false).IsPlaced);
        }
        Assert.Equal(["small"], h.ScheduleAll(Workload("one").Requests(("cpu", "100m"), ("memory", "100Mi"), ("nvidia.com/gpu", "1"))));
    }

    [Fact]
    public void Score_FillsThePartlyUsedDevice_ThatASharePerfectlyCompletes()
    {
        var h = new SchedulerHarness([Node("a").Allocatable("nvidia.com/gpu", "1"), Node("b").Allocatable("nvidia.com/gpu", "1")],
            SchedulerHarness.DefaultWithoutPreemption());
        h.Place(Workload("big").Requests(("nvidia.com/gpu", "700m")), "a");
        var result = h.Schedule(Workload("small").Requests(("nvidia.com/gpu", "300m")));
        Assert.Equal("a", result.NodeName);
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "a", GpuFragmentation.Name));
        Assert.True(SchedulerHarness.ScoreOf(result, "b", GpuFragmentation.Name) <= 97);
    }

    [Theory]
    [InlineData("8", "b")]
    [InlineData("1000", "a")]
    public void Score_SpreadsGpuWork_OnlyOverNodesWhoseCpuItNeeds(string cores, string expected)
    {
        // Both nodes stay usable for the one-device work either way; with 4 cores a device, 8-core nodes need all their
        // CPU for their GPUs and fill evenly, while 1000-core nodes are packed (best fit).
        var h = new SchedulerHarness(
            [Node("a").Allocatable("cpu", cores).Allocatable("memory", "64Gi").Allocatable("nvidia.com/gpu", "2"),
                Node("b").Allocatable("cpu", cores).Allocatable("memory", "64Gi").Allocatable("nvidia.com/gpu", "2")],
            SchedulerHarness.DefaultWithoutPreemption());
        var one = Workload("one").Requests(("cpu", "4"), ("memory", "1Gi"), ("nvidia.com/gpu", "1"));
        h.Place(one, "a");
        var result = h.Schedule(Workload("two").Requests(("cpu", "4"), ("memory", "1Gi"), ("nvidia.com/gpu", "1")));
        Assert.Equal(expected, result.NodeName);
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, expected, GpuFragmentation.Name));
    }

    [Fact]
    public void Fragmentation_CountsGpusAsLost_WhenTheNodesCpuCannotHoldTheWork()
    {
        Assert.Equal(0, FragmentationUnderFourCoresADevice("8", "2", cpu: 0, gpu: 0));
        // Taking 5 cpu leaves 3: one-device work needs 4, so both free devices are lost to it (2000), and 3 cpu at 4 a
        // device feed only 750m of them (1250 more).
        Assert.Equal(3250, FragmentationUnderFourCoresADevice("8", "2", cpu: 5000, gpu: 0));
        // A share of 600m on one device: the 400m left is too small for whole-device work.
        Assert.Equal(400, FragmentationUnderFourCoresADevice("8", "2", cpu: 0, gpu: 600));
    }

    [Fact]
    public void Fragmentation_CountsFreeGpusTheNodesFreeCpuCannotFeed()
    {
        // 10 cpu feed 2.5 of the 4 free devices, although one-device work still fits.
        Assert.Equal(1500, FragmentationUnderFourCoresADevice("10", "4", cpu: 0, gpu: 0));
        // A device taken with its 4 cpu leaves 3 devices and 6 cpu: 1.5 fed.
        Assert.Equal(1500, FragmentationUnderFourCoresADevice("10", "4", cpu: 4000, gpu: 1000));
    }

    /// <summary>One node's fragmentation after taking cpu and gpu from it, the mix being one-device work asking 4 cpu.</summary>
    private static double FragmentationUnderFourCoresADevice(string cores, string devices, long cpu, long gpu)
    {
        var snapshot = ClusterSnapshot.Create([Node("g").Allocatable("cpu", cores).Allocatable("nvidia.com/gpu", devices).Build()]);
        var mix = new GpuWorkloadMix();
        mix.Observe(new GpuTaskShape(4000, 0, 1000, ulong.MaxValue));
        return GpuFragmentation.Fragmentation(snapshot, mix, 0, ulong.MaxValue, cpu, 0, gpu);
    }

    [Fact]
    public void Score_SendsCpuHungryGpuWork_ToTheNodeWithCpuToSpare()
    {
        // One-device work asks 4 cpu a device. The 16-core node needs all its CPU for its 4 devices; a replica asking
        // 12 cpu for one device there would leave two devices without CPU, so it goes to the 64-core node.
        var h = new SchedulerHarness(
            [Node("tight").Allocatable("cpu", "16").Allocatable("memory", "64Gi").Allocatable("nvidia.com/gpu", "4"),
                Node("roomy").Allocatable("cpu", "64").Allocatable("memory", "64Gi").Allocatable("nvidia.com/gpu", "4")],
            SchedulerHarness.DefaultWithoutPreemption());
        var usual = Workload("usual").Requests(("cpu", "4"), ("memory", "1Gi"), ("nvidia.com/gpu", "1")).Build();
        for (int i = 0; i < 8; i++)
        {
            h.Schedule(usual, explain: false);
        }
        var result = h.Schedule(Workload("hungry").Requests(("cpu", "12"), ("memory", "1Gi"), ("nvidia.com/gpu", "1")));
        Assert.Equal("roomy", result.NodeName);
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "roomy", GpuFragmentation.Name));
    }

    [Fact]
    public void GpuFragmentationProfile_PlacesReplicasWithoutGpus_WhereTheyLeaveGpusFed()
    {
        // Kubernetes sends the 8-core replica to the emptier node, "gpus", whose 36 cores then feed only 7 of its 8
        // devices at 4 a device; with replicas without GPUs scored too it goes to "cpu", whose one device stays fed.
        var nodes = new[]
        {
            Node("gpus").Allocatable("cpu", "36").Allocatable("memory", "256Gi").Allocatable("nvidia.com/gpu", "8").Build(),
            Node("cpu").Allocatable("cpu", "32").Allocatable("memory", "256Gi").Allocatable("nvidia.com/gpu", "1").Build(),
        };
        var usual = Workload("usual").Requests(("cpu", "4"), ("memory", "1Gi"), ("nvidia.com/gpu", "1")).Build();
        var web = Workload("web").Requests(("cpu", "8"), ("memory", "8Gi"));
        string? Decide(SchedulingProfile profile)
        {
            var h = new SchedulerHarness(nodes, profile);
            h.Place(Workload("batch").Requests(("cpu", "16"), ("memory", "8Gi")), "cpu");
            for (int i = 0; i < 8; i++)
            {
                h.Schedule(usual, explain: false);
            }
            return h.Schedule(web).NodeName;
        }
        Assert.Equal("gpus", Decide(SchedulerHarness.DefaultWithoutPreemption()));
        Assert.Equal("cpu", Decide(BuiltInProfiles.GpuFragmentationEverywhere with { PostFilters = [], Tiebreak = Tiebreak.First }));
    }

    [Fact]
    public void Fragmentation_CountsEveryFreeGpu_ForWorkThatCannotUseTheModel()
    {
        var snapshot = ClusterSnapshot.Create([Node("g").Allocatable("nvidia.com/gpu", "4").Label("gpu.model", "T4").Build()]);
        var models = new GpuModels(snapshot);
        var onlyOther = models.AllowedFor(Workload().NodeSelector("gpu.model", "A100"));
        var any = models.AllowedFor(Workload());
        Assert.Equal(0UL, onlyOther & models.BitOf(0));
        Assert.NotEqual(0UL, any & models.BitOf(0));
        var mix = new GpuWorkloadMix();
        mix.Observe(new GpuTaskShape(0, 0, 1000, onlyOther));
        Assert.Equal(4000, GpuFragmentation.Fragmentation(snapshot, mix, 0, models.BitOf(0), 0, 0, 0));
    }

    [Fact]
    public void WorkloadMix_SharesSumToOne_AndRecentArrivalsWeighMore()
    {
        var mix = new GpuWorkloadMix();
        var old = new GpuTaskShape(1000, 0, 1000, ulong.MaxValue);
        var recent = new GpuTaskShape(2000, 0, 1000, ulong.MaxValue);
        for (int i = 0; i < 2 * GpuWorkloadMix.HalfLife; i++)
        {
            mix.Observe(old);
        }
        for (int i = 0; i < GpuWorkloadMix.HalfLife; i++)
        {
            mix.Observe(recent);
        }
        Assert.Equal(1.0, mix.Share.Take(mix.Count).Sum(), 6);
        int recentIndex = Array.IndexOf(mix.Cpu, 2000L);
        Assert.True(mix.Share[recentIndex] > 0.5, $"recent share {mix.Share[recentIndex]}");
        Assert.Equal(2, mix.ShapeCount);
    }

    [Fact]
    public void PreScore_Skips_ReplicasWithoutGpus()
    {
        var h = new SchedulerHarness([Node("g").Allocatable("nvidia.com/gpu", "1")], SchedulerHarness.DefaultWithoutPreemption());
        var result = h.Schedule(Workload());
        Assert.DoesNotContain(GpuFragmentation.Name, result.Diagnostics.Nodes!.Single().Scores.Keys);
    }
}
