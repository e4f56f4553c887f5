using Berth.Scheduling.Fleet;

namespace Berth.Server.Fleet;

/// <summary>A pool whose projected monthly cost crossed its budget's alert threshold (<see cref="FleetController.BudgetThresholdCrossed"/>).</summary>
/// <param name="Pool">The pool.</param>
/// <param name="Usage">Its use and cost when it crossed.</param>
/// <param name="MaxMonthlyCost">Its budget.</param>
/// <param name="AlertThreshold">The fraction of the budget that was crossed.</param>
/// <param name="Currency">The budget's currency.</param>
public sealed record PoolBudgetAlert(string Pool, FleetPoolUsage Usage, decimal MaxMonthlyCost, double AlertThreshold, string Currency);
