namespace Berth.Server.Reconciliation;

/// <summary>What the reconciler did about a <see cref="ReconcileCase"/>; each action is carried out by the component that owns it.</summary>
public enum ReconcileAction
{
    /// <summary>Placed by the <see cref="Placement.WorkloadPlacer"/>.</summary>
    Place,

    /// <summary>The assignment was deleted so the replica is placed again (Pending past its deadline, or released from a lost node by the <see cref="Nodes.NodeManager"/>).</summary>
    Release,

    /// <summary>Restarted by the <see cref="Retries.RetryEngine"/> after its backoff.</summary>
    Retry,

    /// <summary>Set to Stopped by the placer.</summary>
    Stop,

    /// <summary>Removed (assignment, retry state or bookkeeping).</summary>
    Remove,

    /// <summary>A replica of an older revision was taken down to be placed with the current one.</summary>
    Replace,

    /// <summary>A rolling replacement began (retry state reset).</summary>
    StartRollout,

    /// <summary>A rolling replacement ended.</summary>
    CompleteRollout,
}
