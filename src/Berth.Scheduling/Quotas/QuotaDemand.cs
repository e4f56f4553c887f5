using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Scheduling.Quotas;

/// <summary>What replicas of a workload count against a quota: their requests, and one <c>replicas</c> each.</summary>
public static class QuotaDemand
{
    /// <summary>One replica's requests (as Kubernetes computes a pod's) plus <c>replicas: 1</c>.</summary>
    public static ResourceList PerReplica(WorkloadSpec workload) => Of(workload, 1);

    /// <summary><paramref name="replicas"/> replicas' requests plus <c>replicas: N</c>.</summary>
    public static ResourceList Of(WorkloadSpec workload, int replicas)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var items = new List<KeyValuePair<string, Quantity>>();
        foreach (var (name, quantity) in ReplicaResources.Requests(workload))
        {
            if (name != ResourceNames.Pods && quantity.Amount != 0)
            {
                items.Add(KeyValuePair.Create(name, new Quantity(quantity.Amount * replicas)));
            }
        }
        items.Add(KeyValuePair.Create(QuotaSpec.Replicas, new Quantity(replicas)));
        return ResourceList.From(items);
    }
}
