namespace Berth.Agent.Supervision;

/// <summary>One replica the server wants on this node (an assignment with its workload).</summary>
/// <param name="Workload">The workload, <c>namespace/name</c>.</param>
/// <param name="Replica">The replica index.</param>
/// <param name="WorkloadRevision">The workload revision; the supervisor runs at most one copy per (workload, replica, revision).</param>
/// <param name="AssignmentRevision">The assignment's mod revision; it moves when the server re-arms an ended replica.</param>
/// <param name="State">The assignment's state.</param>
/// <param name="Containers">The processes to start together.</param>
public sealed record DesiredReplica(
    string Workload,
    int Replica,
    long WorkloadRevision,
    long AssignmentRevision,
    DesiredReplicaState State,
    IReadOnlyList<ReplicaContainer> Containers);
