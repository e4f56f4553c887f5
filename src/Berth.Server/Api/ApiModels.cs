using Berth.Core.Specs;
using Berth.Server.State;

namespace Berth.Server.Api;

/// <summary>The body of every error answer: <c>{"error": "..."}</c>.</summary>
/// <param name="Error">What failed and how to fix it; for manifests, <c>path: problem</c>.</param>
public sealed record ApiError(string Error);

/// <summary>What an apply did to one workload.</summary>
public enum ApplyOutcome
{
    /// <summary>The workload did not exist and was written.</summary>
    Created,

    /// <summary>The workload existed with another spec and was rewritten.</summary>
    Configured,

    /// <summary>The workload existed with the same spec; nothing was written.</summary>
    Unchanged,
}

/// <summary>One workload of an apply.</summary>
/// <param name="Key">The store key, <c>/workloads/{namespace}/{name}</c>.</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
/// <param name="Revision">The workload's revision after the apply.</param>
/// <param name="Outcome">What the apply did.</param>
public sealed record AppliedWorkload(string Key, string Namespace, string Name, long Revision, ApplyOutcome Outcome);

/// <summary>The answer to <c>POST /v1/apply</c>.</summary>
/// <param name="Revision">The store revision after the apply.</param>
/// <param name="Workloads">Each applied workload, in manifest order.</param>
public sealed record ApplyResponse(long Revision, IReadOnlyList<AppliedWorkload> Workloads);

/// <summary>The answer to <c>DELETE /v1/workloads/{ns}/{name}</c>.</summary>
/// <param name="Key">The deleted store key.</param>
/// <param name="Revision">The revision of the delete.</param>
public sealed record DeleteResponse(string Key, long Revision);

/// <summary>A stored workload.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
/// <param name="Revision">The workload's mod revision.</param>
/// <param name="Spec">The spec.</param>
public sealed record WorkloadView(string Namespace, string Name, long Revision, WorkloadSpec Spec);

/// <summary>A stored assignment.</summary>
/// <param name="Key">The store key.</param>
/// <param name="Revision">The key's mod revision.</param>
/// <param name="Assignment">The assignment.</param>
public sealed record AssignmentView(string Key, long Revision, Assignment Assignment);

/// <summary>The answer to <c>GET /v1/workloads/{ns}/{name}</c>: the spec, its assignments and its last events.</summary>
/// <param name="Workload">The workload.</param>
/// <param name="Assignments">Its replicas' assignments, by replica.</param>
/// <param name="Events">Its last events (the workload's and its replicas'), oldest first.</param>
public sealed record WorkloadDetail(WorkloadView Workload, IReadOnlyList<AssignmentView> Assignments, IReadOnlyList<ClusterEvent> Events);

/// <summary>A stored node.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Revision">The node key's mod revision.</param>
/// <param name="Spec">The node's spec.</param>
/// <param name="Status">Readiness and last heartbeat as recorded in the node record.</param>
/// <param name="LastHeartbeat">The last heartbeat at <c>/heartbeats/{node}</c>, when any.</param>
public sealed record NodeView(string Name, long Revision, NodeSpec Spec, NodeStatus Status, DateTimeOffset? LastHeartbeat);

/// <summary>The answer to <c>GET /v1/events</c>.</summary>
/// <param name="Events">Events in revision order.</param>
/// <param name="Next">The <c>after</c> to pass to read the events that follow.</param>
public sealed record EventsResponse(IReadOnlyList<ClusterEvent> Events, long Next);

/// <summary>The answer to <c>/healthz</c> and <c>/readyz</c>.</summary>
/// <param name="Status"><c>ok</c>, or what is not ready.</param>
public sealed record HealthResponse(string Status);
