using Berth.Core.Resources;
using Berth.Core.Specs;
using static Berth.Core.Tests.Specs.Workloads;

namespace Berth.Core.Tests.Specs;

public sealed class ReplicaResourcesTests
{
    private static long Cpu(ResourceList list) => list.Units(ResourceNames.Cpu);

    private static long Memory(ResourceList list) => list.Units(ResourceNames.Memory);

    private const long Mi = 1024 * 1024;

    [Fact]
    public void Requests_SumsContainers()
    {
        var workload = With([Container(req: [("cpu", "500m"), ("memory", "1Gi")]), Container(req: [("cpu", "250m")])]);
        var requests = ReplicaResources.Requests(workload);
        Assert.Equal(750, Cpu(requests));            // 500m + 250m
        Assert.Equal(1024 * Mi, Memory(requests));   // 1Gi + nothing
    }

    [Fact]
    public void Requests_TakesLargestInitContainer_WhereLargerThanTheSum()
    {
        var workload = With(
            [Container(req: [("cpu", "500m"), ("memory", "1Gi")]), Container(req: [("cpu", "250m")])],
            init: [Container(req: [("cpu", "1"), ("memory", "512Mi")]), Container(req: [("cpu", "600m")])]);
        var requests = ReplicaResources.Requests(workload);
        Assert.Equal(1000, Cpu(requests));           // max(750m, 1, 600m) = 1
        Assert.Equal(1024 * Mi, Memory(requests));   // max(1Gi, 512Mi) = 1Gi
    }

    [Fact]
    public void Requests_AddsOverhead_AfterTheInitMaximum()
    {
        var workload = With([Container(req: [("cpu", "500m")])], init: [Container(req: [("cpu", "1")])], overhead: [("cpu", "100m"), ("memory", "64Mi")]);
        var requests = ReplicaResources.Requests(workload);
        Assert.Equal(1100, Cpu(requests));           // max(500m, 1) + 100m
        Assert.Equal(64 * Mi, Memory(requests));     // 0 + 64Mi
    }

    [Fact]
    public void Requests_UsesLimits_ForMissingRequests()
    {
        // cpu: no request, limit 2 → requested 2. memory: request 1Gi, limit 2Gi → requested 1Gi.
        var workload = With([Container(req: [("memory", "1Gi")], lim: [("cpu", "2"), ("memory", "2Gi")])]);
        var requests = ReplicaResources.Requests(workload);
        Assert.Equal(2000, Cpu(requests));
        Assert.Equal(1024 * Mi, Memory(requests));
    }

    [Fact]
    public void NonZeroRequests_CountsDefaults_PerContainerWithoutRequests()
    {
        // Two containers without requests: 2 × 100m cpu and 2 × 200Mi memory.
        var workload = With([Container(), Container()]);
        var requests = ReplicaResources.NonZeroRequests(workload);
        Assert.Equal(200, Cpu(requests));
        Assert.Equal(400 * Mi, Memory(requests));
        Assert.Empty(ReplicaResources.Requests(workload));
    }

    [Fact]
    public void NonZeroRequests_KeepsGivenRequests_AndDefaultsOnlyTheMissingOne()
    {
        // cpu 1 given (kept); memory missing → 200Mi.
        var workload = With([Container(req: [("cpu", "1")])]);
        var requests = ReplicaResources.NonZeroRequests(workload);
        Assert.Equal(1000, Cpu(requests));
        Assert.Equal(200 * Mi, Memory(requests));
    }

    [Fact]
    public void NonZeroRequests_KeepsAnExplicitZeroRequest()
    {
        // Kubernetes defaults only missing requests: an explicit cpu: 0 stays 0; memory missing → 200Mi.
        var workload = With([Container(req: [("cpu", "0")])]);
        var requests = ReplicaResources.NonZeroRequests(workload);
        Assert.Equal(0, Cpu(requests));
        Assert.Equal(200 * Mi, Memory(requests));
    }

    [Fact]
    public void NonZeroRequests_TreatsALimitAsARequest()
    {
        // A limit stands in for the missing request (API defaulting), so no 100m default: cpu = 2.
        var workload = With([Container(lim: [("cpu", "2")])]);
        Assert.Equal(2000, Cpu(ReplicaResources.NonZeroRequests(workload)));
    }

    public static TheoryData<string, WorkloadSpec, QosClass> QosCases => new()
    {
        { "requests equal limits", With([Container(req: [("cpu", "1"), ("memory", "1Gi")], lim: [("cpu", "1"), ("memory", "1Gi")])]), QosClass.Guaranteed },
        { "limits only (requests default to limits)", With([Container(lim: [("cpu", "1"), ("memory", "1Gi")])]), QosClass.Guaranteed },
        { "every container guaranteed", With([Container(lim: [("cpu", "1"), ("memory", "1Gi")]), Container(lim: [("cpu", "500m"), ("memory", "2Gi")])]), QosClass.Guaranteed },
        { "request below limit", With([Container(req: [("cpu", "500m"), ("memory", "1Gi")], lim: [("cpu", "1"), ("memory", "1Gi")])]), QosClass.Burstable },
        { "requests only", With([Container(req: [("cpu", "1"), ("memory", "1Gi")])]), QosClass.Burstable },
        { "cpu limit only", With([Container(lim: [("cpu", "1")])]), QosClass.Burstable },
        { "one container without resources", With([Container(lim: [("cpu", "1"), ("memory", "1Gi")]), Container()]), QosClass.Burstable },
        { "init container not guaranteed", With([Container(lim: [("cpu", "1"), ("memory", "1Gi")])], init: [Container(req: [("cpu", "1")])]), QosClass.Burstable },
        { "nothing set", With([Container()]), QosClass.BestEffort },
        { "zero requests", With([Container(req: [("cpu", "0"), ("memory", "0")])]), QosClass.BestEffort },
        { "only ephemeral-storage", With([Container(req: [("ephemeral-storage", "1Gi")])]), QosClass.BestEffort },
    };

    [Theory]
    [MemberData(nameof(QosCases))]
    public void QosClassOf_DerivesAsKubernetes(string name, WorkloadSpec workload, QosClass expected)
    {
        Assert.True(expected == ReplicaResources.QosClassOf(workload), name);
    }
}
