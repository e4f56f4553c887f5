namespace Berth.Core.Specs;

/// <summary>Holds for a pool with a budget whose projected 30-day cost has reached the budget's alert threshold.</summary>
/// <param name="Pool">The one pool to watch; null: every pool with a budget.</param>
public sealed record PoolBudgetCondition(string? Pool);
