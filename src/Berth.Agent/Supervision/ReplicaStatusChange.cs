namespace Berth.Agent.Supervision;

/// <summary>Something a replica did that the server must hear about.</summary>
/// <param name="Workload">The workload, <c>namespace/name</c>.</param>
/// <param name="Replica">The replica index.</param>
/// <param name="WorkloadRevision">The workload revision the processes run.</param>
/// <param name="Exited">False: the processes started; true: they ended with <paramref name="ExitCode"/>.</param>
/// <param name="ExitCode">The exit code when <paramref name="Exited"/> (128 + signal when killed by one, 127 when it could not start).</param>
/// <param name="LogTail">The last output lines when <paramref name="Exited"/>, oldest first, joined by '\n'.</param>
public sealed record ReplicaStatusChange(string Workload, int Replica, long WorkloadRevision, bool Exited, int? ExitCode, string? LogTail);
