namespace Berth.Server.Placement;

/// <summary>What a placement pass did with, or found for, one replica.</summary>
public enum ReplicaOutcomeKind
{
    /// <summary>Placed on a node and committed (possibly after evicting lower-priority replicas).</summary>
    Placed,

    /// <summary>No node can take it now; the detail is the Kubernetes-style summary.</summary>
    Unschedulable,

    /// <summary>The state kept moving between plan and commit; the pass gave up after the configured retries.</summary>
    StaleGaveUp,

    /// <summary>Its assignment was deleted (scale down, or the workload is gone).</summary>
    Removed,

    /// <summary>Its assignment was set to Stopped (the workload's desired state is Stopped).</summary>
    Stopped,
}
