using Berth.Core.Resources;

namespace Berth.Core.Specs;

/// <summary>What one replica of a workload requests, computed as Kubernetes computes a pod's requests.</summary>
public static class ReplicaResources
{
    /// <summary>CPU counted for a container without a cpu request when scoring (Kubernetes' DefaultMilliCPURequest).</summary>
    public static readonly Quantity DefaultCpuRequest = Quantity.Parse("100m");

    /// <summary>Memory counted for a container without a memory request when scoring (Kubernetes' DefaultMemoryRequest).</summary>
    public static readonly Quantity DefaultMemoryRequest = Quantity.Parse("200Mi");

    /// <summary>
    /// The replica's request: the sum over containers, raised to any single init container's request where that is larger,
    /// plus the overhead. Limits stand in for missing requests.
    /// </summary>
    public static ResourceList Requests(WorkloadSpec workload) => Compute(workload, applyScoringDefaults: false);

    /// <summary>
    /// The request used for scoring: as <see cref="Requests"/>, but a container that sets no cpu (memory) request counts
    /// 100m cpu (200Mi memory), so that replicas without requests still spread.
    /// </summary>
    public static ResourceList NonZeroRequests(WorkloadSpec workload) => Compute(workload, applyScoringDefaults: true);

    private static ResourceList Compute(WorkloadSpec workload, bool applyScoringDefaults)
    {
        var sum = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var container in workload.Containers)
        {
            foreach (var (name, q) in Effective(container, applyScoringDefaults))
            {
                sum[name] = sum.GetValueOrDefault(name) + q.Amount;
            }
        }
        foreach (var init in workload.InitContainers)
        {
            foreach (var (name, q) in Effective(init, applyScoringDefaults))
            {
                if (q.Amount > sum.GetValueOrDefault(name))
                {
                    sum[name] = q.Amount;
                }
            }
        }
        foreach (var (name, q) in workload.Overhead)
        {
            sum[name] = sum.GetValueOrDefault(name) + q.Amount;
        }
        return ResourceList.From(sum.Select(kv => KeyValuePair.Create(kv.Key, new Quantity(kv.Value))));
    }

    private static ResourceList Effective(ContainerSpec container, bool applyScoringDefaults)
    {
        var requests = container.Resources.EffectiveRequests;
        if (applyScoringDefaults)
        {
            if (!requests.ContainsKey(ResourceNames.Cpu))
            {
                requests = requests.With(ResourceNames.Cpu, DefaultCpuRequest);
            }
            if (!requests.ContainsKey(ResourceNames.Memory))
            {
                requests = requests.With(ResourceNames.Memory, DefaultMemoryRequest);
            }
        }
        return requests;
    }

    /// <summary>The quality-of-service class, as Kubernetes' <c>GetPodQOS</c> derives it from cpu and memory.</summary>
    public static QosClass QosClassOf(WorkloadSpec workload)
    {
        bool anySet = false;
        bool guaranteed = true;
        foreach (var container in workload.Containers.Concat(workload.InitContainers))
        {
            var requests = container.Resources.EffectiveRequests;
            var limits = container.Resources.Limits;
            foreach (var name in new[] { ResourceNames.Cpu, ResourceNames.Memory })
            {
                bool hasRequest = requests.TryGetValue(name, out var request) && request.Amount != 0;
                bool hasLimit = limits.TryGetValue(name, out var limit) && limit.Amount != 0;
                anySet |= hasRequest || hasLimit;
                if (!hasLimit || !hasRequest || request.Amount != limit.Amount)
                {
                    guaranteed = false;
                }
            }
        }
        if (!anySet)
        {
            return QosClass.BestEffort;
        }
        return guaranteed ? QosClass.Guaranteed : QosClass.Burstable;
    }
}
