namespace Berth.Server.Api;

/// <summary>What an agent reports about one replica (<see cref="Agents.AgentOperations.ReportAsync"/>).</summary>
/// <param name="Workload">The workload, <c>namespace/name</c>.</param>
/// <param name="Replica">The replica index.</param>
/// <param name="State">Running or Exited.</param>
/// <param name="ExitCode">The exit code; required when Exited (a signal is reported as 128 + its number).</param>
/// <param name="LogTail">The last lines the replica wrote (stdout and stderr), or null.</param>
/// <param name="WorkloadRevision">The workload revision the agent runs; when given, a Running report for another revision is ignored as stale.</param>
public sealed record AgentStatusReport(
    string Workload,
    int Replica,
    AgentReplicaState State,
    int? ExitCode = null,
    string? LogTail = null,
    long? WorkloadRevision = null);
