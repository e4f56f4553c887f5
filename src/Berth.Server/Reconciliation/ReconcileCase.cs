namespace Berth.Server.Reconciliation;

/// <summary>The difference between desired and observed state that a reconciler action answers, named desired/observed.</summary>
public enum ReconcileCase
{
    /// <summary>The replica should run but has no live assignment, or its assignment never started (Pending past the deadline) or sits on a node that no longer exists.</summary>
    RunningMissing,

    /// <summary>The replica should run but failed; the retry engine's backoff decides when it runs again.</summary>
    RunningFailed,

    /// <summary>The workload is Stopped but the replica is pending or running.</summary>
    StoppedRunning,

    /// <summary>The workload is gone; whatever it left (assignments, retry state, bookkeeping) is removed.</summary>
    Deleted,

    /// <summary>The replica's node was declared lost; its replica is released and placed elsewhere.</summary>
    NodeLost,

    /// <summary>The replica runs an older spec than the workload's current one (rolling replacement).</summary>
    Outdated,

    /// <summary>The replica's index is at or above the wanted replica count.</summary>
    ScaledDown,
}
