namespace Berth.Scheduling.Fleet;

/// <summary>A pool not used for a fleet workload, and why (e.g. <c>ap-south: no gdpr compliance label</c>).</summary>
/// <param name="Pool">The pool.</param>
/// <param name="Region">Its region.</param>
/// <param name="Phase">The phase that turned it down.</param>
/// <param name="Reason">Why, as a person reads it (from <see cref="FleetPlanMessages"/>).</param>
public sealed record FleetRejection(string Pool, string Region, FleetPlanPhase Phase, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Pool}: {Reason}";
}
