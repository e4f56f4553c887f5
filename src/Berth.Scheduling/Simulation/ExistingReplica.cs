using Berth.Core.Specs;

namespace Berth.Scheduling.Simulation;

/// <summary>A replica already running on a node when a scenario starts (its <c>placed</c> entry).</summary>
/// <param name="Spec">Its labels, requests, priority and affinity, as a one-replica workload named after the replica.</param>
/// <param name="Node">The node it runs on.</param>
/// <param name="StartTime">When it started, if given; preemption prefers to keep the longest running.</param>
public sealed record ExistingReplica(WorkloadSpec Spec, string Node, DateTimeOffset? StartTime)
{
    /// <summary><c>namespace/name</c>.</summary>
    public string Key => Spec.Key;
}
