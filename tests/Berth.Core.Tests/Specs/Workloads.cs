using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Core.Tests.Specs;

/// <summary>Small builders for workload specs in Core tests.</summary>
internal static class Workloads
{
    /// <summary>A container with requests and limits, e.g. <c>Container(req: [("cpu", "1")], lim: [("cpu", "2")])</c>.</summary>
    public static ContainerSpec Container((string, string)[]? req = null, (string, string)[]? lim = null) =>
        ContainerSpec.ForResources("c", new ResourceRequirements(ResourceList.Parse(req ?? []), ResourceList.Parse(lim ?? [])));

    public static WorkloadSpec With(ContainerSpec[] containers, ContainerSpec[]? init = null, (string, string)[]? overhead = null) =>
        new("w", WorkloadSpec.DefaultNamespace, new Dictionary<string, string>(), 1, containers, init ?? [],
            ResourceList.Parse(overhead ?? []), 0, PreemptionPolicy.PreemptLowerPriority, null, new Dictionary<string, string>(),
            Affinity.None, [], []);
}
