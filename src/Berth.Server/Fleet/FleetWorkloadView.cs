using Berth.Scheduling.Fleet;

namespace Berth.Server.Fleet;

/// <summary>A fleet workload's placement as <c>berth describe workload</c> shows it (<c>GET /v1/fleet/workloads/{ns}/{name}</c>).</summary>
/// <param name="Namespace">The workload's namespace.</param>
/// <param name="Name">The workload's name.</param>
/// <param name="Phase"><c>Pending</c> (no placement yet), <c>Placing</c> (decided, not every replica Running) or <c>Running</c>.</param>
/// <param name="Shares">Per pool and cluster: replicas, how many run, cost.</param>
/// <param name="Desired">Replicas wanted over all shares.</param>
/// <param name="Running">Replicas Running over all shares.</param>
/// <param name="HourlyCost">Cost per hour of all shares.</param>
/// <param name="CurrentMonthCost">What the shares have cost this calendar month (UTC) since the decision, at today's rate.</param>
/// <param name="Projected30DayCost">Cost over 30 days at today's rate.</param>
/// <param name="LastScheduled">When the decision was made.</param>
/// <param name="Reason">Why these pools, or why none.</param>
/// <param name="Rejected">Pools not used, with why.</param>
/// <param name="Policies">The placement policies that applied.</param>
public sealed record FleetWorkloadView(
    string Namespace,
    string Name,
    string Phase,
    IReadOnlyList<FleetShareView> Shares,
    int Desired,
    int Running,
    decimal HourlyCost,
    decimal CurrentMonthCost,
    decimal Projected30DayCost,
    DateTimeOffset LastScheduled,
    string Reason,
    IReadOnlyList<FleetRejection> Rejected,
    IReadOnlyList<string> Policies);
