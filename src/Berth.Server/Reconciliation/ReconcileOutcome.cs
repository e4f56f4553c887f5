using Berth.Server.State;

namespace Berth.Server.Reconciliation;

/// <summary>What one <see cref="Reconciler.ReconcileAsync"/> did for one workload, as data.</summary>
/// <param name="Workload">The workload.</param>
/// <param name="Records">The actions taken, as recorded; empty when desired and observed state agreed.</param>
/// <param name="BackOff">True when an action failed or changed nothing: the workload waits before it is reconciled again.</param>
public sealed record ReconcileOutcome(WorkloadKey Workload, IReadOnlyList<ReconciliationRecord> Records, bool BackOff)
{
    /// <summary>True when nothing needed doing.</summary>
    public bool Idle => Records.Count == 0;
}
