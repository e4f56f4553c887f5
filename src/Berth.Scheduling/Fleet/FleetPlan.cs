namespace Berth.Scheduling.Fleet;

/// <summary>
/// The fleet planner's answer: the shares (pool, cluster, replicas, cost) when placed, the reason, and every pool not
/// used with why; when not placed, <see cref="Shares"/> is empty and <see cref="Reason"/> says what to change.
/// </summary>
/// <param name="Placed">True when every replica has a share.</param>
/// <param name="Shares">One per (pool, cluster), in the order the pools ranked.</param>
/// <param name="Reason">Why these pools (or why none), as a person reads it.</param>
/// <param name="Rejected">Pools not used, each with its phase and reason.</param>
/// <param name="Ranking">The candidate pools in phase-2 order.</param>
/// <param name="Policies">The placement policies that applied, by name.</param>
public sealed record FleetPlan(
    bool Placed,
    IReadOnlyList<FleetShare> Shares,
    string Reason,
    IReadOnlyList<FleetRejection> Rejected,
    IReadOnlyList<RankedPool> Ranking,
    IReadOnlyList<string> Policies)
{
    /// <summary>The cost per hour of all shares.</summary>
    public decimal HourlyCost
    {
        get
        {
            decimal total = 0m;
            foreach (var share in Shares)
            {
                total += share.HourlyCost;
            }
            return total;
        }
    }

    /// <summary>The cost of all shares over 30 days at today's rate.</summary>
    public decimal Projected30DayCost => FleetCostModel.Projected30Day(HourlyCost);

    /// <summary>How many replicas the shares hold.</summary>
    public int Replicas
    {
        get
        {
            int total = 0;
            foreach (var share in Shares)
            {
                total += share.Replicas;
            }
            return total;
        }
    }
}
