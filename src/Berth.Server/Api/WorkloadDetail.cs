using Berth.Server.State;

namespace Berth.Server.Api;

/// <summary>The answer to <c>GET /v1/workloads/{ns}/{name}</c>: the spec, its assignments and its last events.</summary>
/// <param name="Workload">The workload.</param>
/// <param name="Assignments">Its replicas' assignments, by replica.</param>
/// <param name="Events">Its last events (the workload's and its replicas'), oldest first.</param>
public sealed record WorkloadDetail(WorkloadView Workload, IReadOnlyList<AssignmentView> Assignments, IReadOnlyList<ClusterEvent> Events);
