using System.Globalization;
using Berth.Scheduling.Fleet;

namespace Berth.Server.Fleet;

/// <summary>The words the fleet controller uses in events, logs and <c>describe</c>.</summary>
public static class FleetPlacementMessages
{
    /// <summary>A fleet workload placed: its shares and cost.</summary>
    public static string Placed(string workload, FleetDecision decision) =>
        $"fleet workload {workload} placed: {Shares(decision)}; {Money(decision.HourlyCost)}/h. {decision.Reason}";

    /// <summary>A fleet workload no pool can take now.</summary>
    public static string Pending(string workload, string reason) => $"fleet workload {workload} is pending: {reason}";

    /// <summary>A pool whose projected month crossed its budget's alert threshold.</summary>
    public static string BudgetAlert(PoolBudgetAlert alert) =>
        $"pool {alert.Pool} projects {FleetPlanMessages.Money(alert.Usage.Projected30DayCost, alert.Currency)} a month, "
        + $"{(alert.Usage.BudgetUtilization * 100).ToString("0", CultureInfo.InvariantCulture) + "%"} of its budget "
        + $"{FleetPlanMessages.Money(alert.MaxMonthlyCost, alert.Currency)} (alertThreshold {alert.AlertThreshold.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>A derived workload removed because its fleet workload is gone or no longer has a share there.</summary>
    public static string DerivedRemoved(string derived, string workload) => $"derived workload {derived} of fleet workload {workload} removed";

    /// <summary>A pass step that failed; the pass goes on with the next workload.</summary>
    public static string PlacementFailed(string workload, string error) => $"fleet workload {workload} could not be placed: {error}";

    /// <summary><c>us-east/us-east-7a3b ×2</c>, joined.</summary>
    public static string Shares(FleetDecision decision) =>
        string.Join(", ", decision.Shares.Select(s => $"{s.Pool}/{s.Cluster} ×{s.Replicas.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>A cost without currency, as stored (0.384).</summary>
    public static string Money(decimal amount) => amount.ToString("0.00####", CultureInfo.InvariantCulture);

    /// <summary>A fleet view asked of a workload that is not a fleet workload or does not exist.</summary>
    public static string NotAFleetWorkload(string workload) => $"{workload} is not a fleet workload (no workload of that name has a placement)";
}
