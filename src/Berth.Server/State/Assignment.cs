using Berth.Core.Resources;

namespace Berth.Server.State;

/// <summary>What the store holds at <c>/assignments/{namespace}/{workload}/{replica}</c>: where one replica runs.</summary>
/// <param name="Workload">The workload the replica belongs to.</param>
/// <param name="Replica">The replica's index, from 0.</param>
/// <param name="Node">The node it is placed on.</param>
/// <param name="WorkloadRevision">The workload's mod revision the placement was planned for; agents apply idempotently by (workload, revision).</param>
/// <param name="Requests">What the replica holds on the node (its requests when planned, pods included); the applier sums these to check room.</param>
/// <param name="Devices">GPU device indexes on the node, empty when none.</param>
/// <param name="Explanation">The placement explanation, summarised to one line.</param>
/// <param name="State">Where the replica is in its life.</param>
public sealed record Assignment(
    WorkloadKey Workload,
    int Replica,
    string Node,
    long WorkloadRevision,
    ResourceList Requests,
    IReadOnlyList<int> Devices,
    string Explanation,
    AssignmentState State)
{
    /// <summary>True when the replica holds room on its node (pending or running).</summary>
    public bool HoldsResources => State is AssignmentState.Pending or AssignmentState.Running;
}
