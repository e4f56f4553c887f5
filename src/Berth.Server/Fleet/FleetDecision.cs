using Berth.Scheduling.Fleet;

namespace Berth.Server.Fleet;

/// <summary>
/// Where a fleet workload runs and why, stored at <c>/fleet/decisions/{ns}/{name}</c> by the <see cref="FleetController"/>
/// (and by rebalancing when it moves replicas).
/// </summary>
/// <param name="Namespace">The workload's namespace.</param>
/// <param name="Name">The workload's name.</param>
/// <param name="WorkloadRevision">The workload's mod revision the decision was made for; a newer one is planned again.</param>
/// <param name="Phase">Placed, or Pending with the reason.</param>
/// <param name="Shares">The shares, in the order their pools ranked.</param>
/// <param name="Reason">Why these pools, or why none.</param>
/// <param name="Rejected">Pools not used, with why.</param>
/// <param name="Policies">The placement policies that applied.</param>
/// <param name="HourlyCost">The cost per hour of all shares.</param>
/// <param name="LastScheduled">When the decision was made.</param>
public sealed record FleetDecision(
    string Namespace,
    string Name,
    long WorkloadRevision,
    FleetDecisionPhase Phase,
    IReadOnlyList<FleetDecisionShare> Shares,
    string Reason,
    IReadOnlyList<FleetRejection> Rejected,
    IReadOnlyList<string> Policies,
    decimal HourlyCost,
    DateTimeOffset LastScheduled)
{
    /// <summary>The cost of all shares over 30 days at today's rate.</summary>
    public decimal Projected30DayCost => FleetCostModel.Projected30Day(HourlyCost);
}
