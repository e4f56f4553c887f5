namespace Berth.Agent.Supervision;

/// <summary>Output one replica copy wrote since it was last pushed to the server (<see cref="ReplicaSupervisor.TakeOutput"/>).</summary>
/// <param name="Workload">The workload, <c>namespace/name</c>.</param>
/// <param name="Replica">The replica index.</param>
/// <param name="Copy">Which start of the replica wrote it (a restart is a new copy with its own numbering).</param>
/// <param name="Lines">The new lines, oldest first.</param>
/// <param name="Next">The copy's line number after the last of <paramref name="Lines"/>; pass it back with <see cref="ReplicaSupervisor.AcknowledgeOutput"/>.</param>
public sealed record ReplicaOutput(string Workload, int Replica, int Copy, IReadOnlyList<string> Lines, long Next);
