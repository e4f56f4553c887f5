namespace Berth.Server.Fleet;

/// <summary>A pool's use and cost against its capacity and budget (<c>berth get pools</c>, <c>GET /v1/fleet/pools</c>); a null limit is none.</summary>
/// <param name="Name">The pool.</param>
/// <param name="Region">Its region.</param>
/// <param name="Provider">Its provider type.</param>
/// <param name="Clusters">Its fleet clusters.</param>
/// <param name="Nodes">Nodes over its clusters.</param>
/// <param name="MaxNodes">capacity.maxNodes.</param>
/// <param name="Cores">Cores over its nodes.</param>
/// <param name="MaxCores">capacity.maxCores.</param>
/// <param name="MemoryGi">Memory over its nodes, GiB.</param>
/// <param name="MaxMemoryGi">capacity.maxMemoryGi.</param>
/// <param name="HourlyCost">What its nodes cost per hour.</param>
/// <param name="CurrentMonthCost">What they have cost this calendar month (UTC).</param>
/// <param name="Projected30DayCost">Over 30 days at today's rate.</param>
/// <param name="MaxMonthlyCost">budget.maxMonthlyCost.</param>
/// <param name="Currency">The budget's currency.</param>
/// <param name="BudgetUtilization">Projected cost over the budget (0 without one).</param>
/// <param name="Alert">True when past the budget's alertThreshold.</param>
public sealed record FleetPoolView(
    string Name,
    string Region,
    string Provider,
    int Clusters,
    int Nodes,
    int? MaxNodes,
    int Cores,
    int? MaxCores,
    int MemoryGi,
    int? MaxMemoryGi,
    decimal HourlyCost,
    decimal CurrentMonthCost,
    decimal Projected30DayCost,
    decimal? MaxMonthlyCost,
    string? Currency,
    double BudgetUtilization,
    bool Alert);
