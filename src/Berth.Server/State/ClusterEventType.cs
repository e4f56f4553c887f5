namespace Berth.Server.State;

/// <summary>Kinds of <see cref="ClusterEvent"/>.</summary>
public enum ClusterEventType
{
    /// <summary>A workload was created or changed.</summary>
    WorkloadApplied,

    /// <summary>A workload was deleted.</summary>
    WorkloadDeleted,

    /// <summary>A replica was placed on a node.</summary>
    WorkloadScheduled,

    /// <summary>A replica could not be placed; the message says why.</summary>
    WorkloadUnschedulable,

    /// <summary>A gang held fewer than its minAvailable replicas for longer than its timeout: the ones it held were released, so the room returns.</summary>
    GangTimedOut,

    /// <summary>A replica failed and will not be retried.</summary>
    WorkloadFailed,

    /// <summary>A node registered.</summary>
    NodeRegistered,

    /// <summary>A node turned NotReady after missing heartbeats.</summary>
    NodeNotReady,

    /// <summary>A node stayed NotReady past the second grace; its replicas are placed elsewhere.</summary>
    NodeLost,

    /// <summary>A failed replica is being retried.</summary>
    RetryTriggered,

    /// <summary>A replica moved from one node to another.</summary>
    Rescheduled,

    /// <summary>A replica was evicted (preempted) to make room.</summary>
    ReplicaEvicted,

    /// <summary>A NotReady node heartbeated again and is Ready.</summary>
    NodeReady,

    /// <summary>A node was cordoned: no new replicas are placed on it.</summary>
    NodeCordoned,

    /// <summary>A node was uncordoned: replicas may be placed on it again.</summary>
    NodeUncordoned,

    /// <summary>A replica's assignment was released from its node (node lost or drained) so that it is placed elsewhere.</summary>
    ReplicaReleased,

    /// <summary>A replica's assignment was removed: the workload scaled down or was deleted.</summary>
    ReplicaRemoved,

    /// <summary>A replica was stopped because its workload's desired state is Stopped.</summary>
    ReplicaStopped,

    /// <summary>A replica's processes exited cleanly and its restart policy (OnFailure or Never) does not restart them: the replica completed.</summary>
    ReplicaSucceeded,

    /// <summary>A failed replica's backoff ran out and it was set to run again: in place (Pending on the same node) or released to be placed elsewhere.</summary>
    ReplicaRestarted,

    /// <summary>The node's agent reports a replica's processes started (the assignment turned Running).</summary>
    ReplicaRunning,

    /// <summary>A replica of an older workload revision was taken down to be placed again with the current one (rolling replacement).</summary>
    ReplicaReplaced,

    /// <summary>A workload's spec changed while replicas ran the old one: they are replaced one at a time.</summary>
    RolloutStarted,

    /// <summary>Every replica of a workload runs its current revision: the rolling replacement is done.</summary>
    RolloutCompleted,
    /// <summary>An operator changed a workload's replica count (<c>berth scale</c>).</summary>
    WorkloadScaled,

    /// <summary>An operator stopped a workload (<c>berth stop</c>): its replicas are stopped and release their room.</summary>
    WorkloadStopped,

    /// <summary>An operator started a stopped workload again (<c>berth start</c>).</summary>
    WorkloadStarted,

    /// <summary>An object of another kind than Workload (see <see cref="ObjectKinds"/>) was created or changed by an apply.</summary>
    ObjectApplied,

    /// <summary>An object of another kind than Workload was deleted.</summary>
    ObjectDeleted,

    /// <summary>A reservation reached its expiry and was removed: what it held returns, replicas using it keep running.</summary>
    ReservationExpired,

    /// <summary>Fleet placement created a cluster in a pool through the pool's provider.</summary>
    FleetClusterCreated,

    /// <summary>A provider started a node of a fleet cluster.</summary>
    FleetNodeAdded,

    /// <summary>A provider stopped a node of a fleet cluster.</summary>
    FleetNodeRemoved,

    /// <summary>A fleet cluster changed phase (Creating, Ready, Draining, Deleting).</summary>
    FleetClusterPhaseChanged,

    /// <summary>A fleet cluster's nodes were all stopped and the cluster removed.</summary>
    FleetClusterDeleted,

    /// <summary>A fleet workload's shares were decided (pools, clusters, replicas, cost) and its derived workloads written.</summary>
    FleetPlaced,

    /// <summary>No pool can take a fleet workload now; the event says why.</summary>
    FleetPlacementPending,

    /// <summary>A pool's projected monthly cost crossed its budget's alert threshold.</summary>
    FleetBudgetAlert,

    /// <summary>A child region control plane reported to this parent for the first time.</summary>
    RegionRegistered,

    /// <summary>A child region control plane stopped reporting; its pools leave placement until it reports again.</summary>
    RegionDisconnected,

    /// <summary>A disconnected child region control plane reported again.</summary>
    RegionReconnected,

    /// <summary>This region control plane's parent stopped answering; it places within its own pools only.</summary>
    ParentUnreachable,

    /// <summary>This region control plane's parent answers again; pending fleet workloads are evaluated again.</summary>
    ParentReconnected,

    /// <summary>A parent handed a share of a fleet workload to the child region that owns the chosen pool.</summary>
    FleetDelegated,

    /// <summary>A region handed a fleet workload it had no pool for to its parent.</summary>
    FleetEscalated,

    /// <summary>A fleet workload began moving replicas between clusters (a rebalance trigger fired or was asked for).</summary>
    FleetMigrationStarted,

    /// <summary>One step of a fleet migration: a share scaled up or down, its replicas Running, or a share removed.</summary>
    FleetMigrationStep,

    /// <summary>A fleet migration reached its target shares.</summary>
    FleetMigrationCompleted,

    /// <summary>A fleet migration stopped before its target (new replicas did not run in time); nothing was scaled down past that point.</summary>
    FleetMigrationFailed,

    /// <summary>A fleet rebalance trigger held (budget exceeded, capacity exhausted, consolidation, compliance lost).</summary>
    FleetRebalanceTriggered,

    /// <summary>An automation rule's condition started to hold for a subject (one per episode); the message names the rule and the reason.</summary>
    RuleFired,

    /// <summary>A rule's webhook delivery used up its attempts without a 2xx answer.</summary>
    WebhookDeliveryFailed,
}
