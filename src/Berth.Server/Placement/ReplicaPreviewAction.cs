namespace Berth.Server.Placement;

/// <summary>What the placer would do with one replica after an apply.</summary>
public enum ReplicaPreviewAction
{
    /// <summary>The replica already has a live assignment and stays on its node.</summary>
    Keep,

    /// <summary>The replica has no live assignment and the scheduler found a node for it.</summary>
    Place,

    /// <summary>The replica has no live assignment and no node fits; the detail says why.</summary>
    Unschedulable,

    /// <summary>The replica is above the new replica count and would be removed.</summary>
    Remove,

    /// <summary>The workload would be Stopped, so the replica would be stopped (or stay unplaced).</summary>
    Stop,
}
