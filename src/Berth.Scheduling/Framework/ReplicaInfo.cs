using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Scheduling.Framework;

/// <summary>
/// A workload compiled for one snapshot: what each of its replicas requests, as column indexes and amounts,
/// so filters and scores read flat arrays instead of dictionaries. All replicas of a workload share one.
/// </summary>
public sealed class ReplicaInfo
{
    internal ReplicaInfo(WorkloadSpec workload, int[] requestColumns, long[] requestAmounts, string[] requestNames, long nonZeroCpu, long nonZeroMemory)
    {
        Workload = workload;
        RequestColumns = requestColumns;
        RequestAmounts = requestAmounts;
        RequestNames = requestNames;
        NonZeroCpu = nonZeroCpu;
        NonZeroMemory = nonZeroMemory;
        var affinity = workload.Affinity;
        HasRequiredAntiAffinity = affinity.PodAntiAffinity.Required.Count > 0;
        HasReplicaAffinityTerms = !affinity.PodAffinity.IsEmpty || !affinity.PodAntiAffinity.IsEmpty;
    }

    /// <summary>The workload this replica belongs to.</summary>
    public WorkloadSpec Workload { get; }

    /// <summary>The workload's namespace.</summary>
    public string Namespace => Workload.Namespace;

    /// <summary>The labels every replica carries.</summary>
    public IReadOnlyDictionary<string, string> Labels => Workload.Labels;

    /// <summary>The replica's priority; higher preempts lower.</summary>
    public int Priority => Workload.Priority;

    /// <summary>Snapshot resource columns requested, parallel to <see cref="RequestAmounts"/>; -1 where no node has the resource. Always includes pods.</summary>
    public int[] RequestColumns { get; }

    /// <summary>Requested amount per entry of <see cref="RequestColumns"/>, in scheduling units.</summary>
    public long[] RequestAmounts { get; }

    /// <summary>Resource name per entry of <see cref="RequestColumns"/>.</summary>
    public string[] RequestNames { get; }

    /// <summary>CPU (millicores) counted when scoring: containers without a cpu request count 100m.</summary>
    public long NonZeroCpu { get; }

    /// <summary>Memory (bytes) counted when scoring: containers without a memory request count 200Mi.</summary>
    public long NonZeroMemory { get; }

    /// <summary>True when the workload has required anti-affinity terms, which bind replicas placed after it.</summary>
    public bool HasRequiredAntiAffinity { get; }

    /// <summary>True when the workload has any replica affinity or anti-affinity term.</summary>
    public bool HasReplicaAffinityTerms { get; }

    /// <summary>GPU asked for, in thousandths of a device: whole devices (1000 each) or a share of one device.</summary>
    public long GpuMilli => RequestOf(Berth.Core.Resources.ResourceNames.NvidiaGpu);

    /// <summary>The request for one resource by name, in scheduling units (0 when not requested).</summary>
    public long RequestOf(string resourceName)
    {
        for (int i = 0; i < RequestNames.Length; i++)
        {
            if (RequestNames[i] == resourceName)
            {
                return RequestAmounts[i];
            }
        }
        return 0;
    }

    internal static (string Name, long Amount)[] RequestsOf(WorkloadSpec workload)
    {
        var requests = ReplicaResources.Requests(workload);
        var list = new List<(string, long)>();
        foreach (var (name, quantity) in requests)
        {
            if (name == ResourceNames.Pods)
            {
                continue;
            }
            long units = ResourceNames.ToSchedulingUnits(name, quantity);
            if (units != 0)
            {
                list.Add((name, units));
            }
        }
        list.Add((ResourceNames.Pods, 1));
        return [.. list];
    }
}
