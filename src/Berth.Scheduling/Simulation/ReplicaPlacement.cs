using Berth.Scheduling.Plugins;
namespace Berth.Scheduling.Simulation;

/// <summary>The decision for one replica of a scenario workload.</summary>
/// <param name="Replica">The replica index; the replica is named <c>&lt;workload&gt;-&lt;replica&gt;</c>.</param>
/// <param name="Node">The chosen node, or null when unschedulable.</param>
/// <param name="Reason">Why: for an unschedulable replica, Kubernetes' one-line summary (<c>0/3 nodes are available: …</c>).</param>
/// <param name="Candidates">Every node's evaluation; only with explain.</param>
/// <param name="Preempted">Replicas evicted to make room (<c>namespace/name</c>); empty when none.</param>
/// <param name="Preemption">Preemption candidates and choice; only with explain and when preemption ran.</param>
/// <param name="Devices">Device indexes used on the node, for GPU replicas; null otherwise.</param>
/// <param name="Burst">True when placed above its namespace's soft quota: the first to be preempted.</param>
public sealed record ReplicaPlacement(
    string Workload,
    string Namespace,
    int Replica,
    string? Node,
    string Reason,
    IReadOnlyList<CandidateEvaluation>? Candidates,
    IReadOnlyList<string> Preempted,
    PreemptionDetails? Preemption,
    IReadOnlyList<int>? Devices = null,
    bool Burst = false)
{
    /// <summary>True when a node was chosen.</summary>
    public bool IsPlaced => Node is not null;
}
