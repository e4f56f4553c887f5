using Berth.Core.Specs;

namespace Berth.Scheduling.Fleet;

/// <summary>What a pool's clusters use now, for rebalancing triggers.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="Nodes">Nodes over all its clusters.</param>
/// <param name="Cores">Cores over all its nodes.</param>
/// <param name="MemoryGi">Memory, in GiB, over all its nodes.</param>
/// <param name="HourlyCost">What its nodes cost per hour, in its budget's currency.</param>
public sealed record PoolLoad(PoolSpec Pool, int Nodes, int Cores, int MemoryGi, decimal HourlyCost)
{
    /// <summary>Hours in the 30 days a monthly budget is projected over.</summary>
    public const int HoursPerMonth = 24 * 30;

    /// <summary>The cost of 30 days at the current hourly cost.</summary>
    public decimal ProjectedMonthlyCost => HourlyCost * HoursPerMonth;
}
