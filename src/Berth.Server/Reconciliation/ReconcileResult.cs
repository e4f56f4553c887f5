namespace Berth.Server.Reconciliation;

/// <summary>How a reconciler action ended.</summary>
public enum ReconcileResult
{
    /// <summary>The store changed as intended.</summary>
    Changed,

    /// <summary>The action ran but changed nothing (e.g. no node fits); the key backs off.</summary>
    Unchanged,

    /// <summary>The action failed (a conflict that kept winning, an error); the key backs off.</summary>
    Failed,
}
