using System.Globalization;
using Berth.Cli.Commands.Client;
using Berth.Server.Fleet;

namespace Berth.Cli.Commands.Get;

/// <summary><c>berth get pools</c> as a table: each pool's clusters, nodes, cores and cost against its capacity and budget.</summary>
public static class PoolTable
{
    /// <summary>Writes the pools of a <c>GET /v1/fleet/pools</c> answer as columns (wide adds memory and this month's cost).</summary>
    public static void Write(string json, bool wide, TextWriter output)
    {
        var pools = BerthClient.Read<FleetPoolView[]>(json);
        IReadOnlyList<string> headers = wide
            ? ["NAME", "REGION", "PROVIDER", "CLUSTERS", "NODES", "CORES", "MEMORY GI", "COST/H", "THIS MONTH", "PROJECTED 30D", "BUDGET", "ALERT"]
            : ["NAME", "REGION", "PROVIDER", "CLUSTERS", "NODES", "CORES", "COST/H", "PROJECTED 30D", "BUDGET", "ALERT"];
        var rows = new List<IReadOnlyList<string>>();
        foreach (var p in pools)
        {
            string budget = p.MaxMonthlyCost is { } max
                ? $"{Money(max)} {p.Currency} ({(p.BudgetUtilization * 100).ToString("0", CultureInfo.InvariantCulture) + "%"})"
                : Render.None;
            var row = new List<string> { p.Name, p.Region, p.Provider, Render.Number(p.Clusters), OfLimit(p.Nodes, p.MaxNodes), OfLimit(p.Cores, p.MaxCores) };
            if (wide)
            {
                row.Add(OfLimit(p.MemoryGi, p.MaxMemoryGi));
            }
            row.Add(Money(p.HourlyCost));
            if (wide)
            {
                row.Add(Money(p.CurrentMonthCost));
            }
            row.AddRange([Money(p.Projected30DayCost), budget, p.Alert ? "yes" : "no"]);
            rows.Add(row);
        }
        Render.Columns(output, headers, rows);
    }

    private static string OfLimit(int used, int? limit) => limit is { } max ? $"{Render.Number(used)}/{Render.Number(max)}" : Render.Number(used);

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
