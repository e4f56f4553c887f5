using Berth.Server.State;

namespace Berth.Server.Reconciliation;

/// <summary>What the store holds at <c>/reconciliation/records/{namespace}/{name}/{id}</c>: one reconciler action, for "why did this change?".</summary>
/// <param name="Time">When the action ran.</param>
/// <param name="Workload">The workload.</param>
/// <param name="Replica">The replica acted on; null for an action on the whole workload (a rollout starting or ending).</param>
/// <param name="Case">The difference the action answers.</param>
/// <param name="Observed">What was observed, e.g. <c>Running on n1 (revision 12)</c>.</param>
/// <param name="Desired">What is wanted, e.g. <c>Running (revision 15)</c>.</param>
/// <param name="Action">What was done.</param>
/// <param name="Result">How it ended.</param>
/// <param name="Detail">The node placed on, the reason it failed, or empty.</param>
public sealed record ReconciliationRecord(
    DateTimeOffset Time,
    WorkloadKey Workload,
    int? Replica,
    ReconcileCase Case,
    string Observed,
    string Desired,
    ReconcileAction Action,
    ReconcileResult Result,
    string Detail);
