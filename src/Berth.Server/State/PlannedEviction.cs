namespace Berth.Server.State;

/// <summary>An assignment an <see cref="AssignmentPlan"/> evicts.</summary>
/// <param name="Workload">The victim's workload.</param>
/// <param name="Replica">The victim's replica index.</param>
/// <param name="AssignmentModRevision">The victim assignment's mod revision the plan saw.</param>
/// <param name="Reason">Why it is evicted, for the event.</param>
public sealed record PlannedEviction(WorkloadKey Workload, int Replica, long AssignmentModRevision, string Reason);
