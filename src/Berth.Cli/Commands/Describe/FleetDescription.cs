using System.Globalization;
using Berth.Cli.Commands.Client;
using Berth.Server.Fleet;

namespace Berth.Cli.Commands.Describe;

/// <summary>The fleet part of <c>berth describe workload</c>: placements per pool and cluster, cost, phase, health and the decision.</summary>
public static class FleetDescription
{
    /// <summary>Writes the placement of a <c>GET /v1/fleet/workloads/{ns}/{name}</c> answer.</summary>
    public static void Write(FleetWorkloadView view, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Fleet:");
        Field(output, "Phase", view.Phase);
        Field(output, "Health", $"{Render.Number(view.Running)}/{Render.Number(view.Desired)} running");
        Field(output, "Last scheduled", view.LastScheduled == DateTimeOffset.MinValue ? Render.None : Render.Time(view.LastScheduled));
        Field(output, "Policies", view.Policies.Count == 0 ? Render.None : string.Join(", ", view.Policies));
        output.WriteLine("  Placements:");
        if (view.Shares.Count == 0)
        {
            output.WriteLine($"    {Render.None}");
        }
        else
        {
            Render.Columns(output, ["POOL", "REGION", "CLUSTER", "NODE CLASS", "REPLICAS", "RUNNING", "COST/H", "WORKLOAD"],
                view.Shares.Select(s => (IReadOnlyList<string>)[s.Pool, s.Region, s.Cluster, s.NodeClass, Render.Number(s.Replicas),
                    Render.Number(s.Running), Money(s.HourlyCost), s.Workload]), "    ");
        }
        Field(output, "Total cost", $"{Money(view.HourlyCost)}/h, this month {Money(view.CurrentMonthCost)}, projected 30 days {Money(view.Projected30DayCost)}");
        Field(output, "Reason", view.Reason.Length == 0 ? Render.None : view.Reason);
        output.WriteLine("  Rejected:");
        if (view.Rejected.Count == 0)
        {
            output.WriteLine($"    {Render.None}");
        }
        foreach (var rejection in view.Rejected)
        {
            output.WriteLine($"    {rejection}");
        }
    }

    private static string Money(decimal amount) => amount.ToString("0.00####", CultureInfo.InvariantCulture);

    private static void Field(TextWriter output, string name, string value) => output.WriteLine($"  {name + ":",-16}{value}");
}
