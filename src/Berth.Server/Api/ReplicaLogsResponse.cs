namespace Berth.Server.Api;

/// <summary>The answer to <c>GET /v1/workloads/{ns}/{name}/replicas/{replica}/logs</c>.</summary>
/// <param name="Workload">The workload, <c>namespace/name</c>.</param>
/// <param name="Replica">The replica index.</param>
/// <param name="Lines">The replica's last output lines (stdout and stderr), oldest first.</param>
public sealed record ReplicaLogsResponse(string Workload, int Replica, IReadOnlyList<string> Lines);
