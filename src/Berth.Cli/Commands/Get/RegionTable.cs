using Berth.Cli.Commands.Client;
using Berth.Server.Fleet.Hierarchy;

namespace Berth.Cli.Commands.Get;

/// <summary><c>berth get regions</c>: the child region control planes reporting to this one, as columns.</summary>
public static class RegionTable
{
    /// <summary>The REST path the regions are read from.</summary>
    public const string Path = "v1/fleet/regions";

    /// <summary>Regions as columns; LAST SEEN is when each last reported. Wide adds its node classes.</summary>
    public static void Write(string json, bool wide, TextWriter output)
    {
        var regions = BerthClient.Read<RegionView[]>(json);
        string[] headers = wide
            ? ["REGION", "STATUS", "ADDRESS", "POOLS", "LAST SEEN", "NODE CLASSES"]
            : ["REGION", "STATUS", "ADDRESS", "POOLS", "LAST SEEN"];
        Render.Columns(output, headers, regions.OrderBy(r => r.Region, StringComparer.Ordinal).Select(r =>
        {
            string[] row = [r.Region, r.Status, r.Address, List(r.Pools), Render.Time(r.LastSeen)];
            return wide ? (IReadOnlyList<string>)[.. row, List(r.NodeClasses)] : row;
        }));
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? Render.None : string.Join(",", names);
}
