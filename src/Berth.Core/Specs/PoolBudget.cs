namespace Berth.Core.Specs;

/// <summary>What a pool may cost per month, and when to warn.</summary>
/// <param name="MaxMonthlyCost">The most its nodes may cost in a month (projected over 30 days).</param>
/// <param name="Currency">The currency of the costs (e.g. USD); node classes' costs are taken to be in it.</param>
/// <param name="AlertThreshold">The fraction of <paramref name="MaxMonthlyCost"/> (0–1) past which an alert event is emitted.</param>
public sealed record PoolBudget(decimal MaxMonthlyCost, string Currency, double AlertThreshold);
