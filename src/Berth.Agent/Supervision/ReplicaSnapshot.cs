namespace Berth.Agent.Supervision;

/// <summary>What the supervisor holds for one replica at a moment.</summary>
/// <param name="Workload">The workload, <c>namespace/name</c>.</param>
/// <param name="Replica">The replica index.</param>
/// <param name="WorkloadRevision">The workload revision it runs (or ran).</param>
/// <param name="Running">True while its processes run.</param>
/// <param name="ExitCode">The exit code once it ended by itself; null while running or when stopped.</param>
/// <param name="ProcessIds">The ids of its processes (one per container).</param>
/// <param name="LogTail">Its last output lines, joined by '\n'.</param>
public sealed record ReplicaSnapshot(string Workload, int Replica, long WorkloadRevision, bool Running, int? ExitCode, IReadOnlyList<int> ProcessIds, string LogTail);
