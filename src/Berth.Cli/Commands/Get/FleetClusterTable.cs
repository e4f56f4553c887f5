using Berth.Cli.Commands.Client;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Get;

/// <summary><c>berth get clusters</c>: the fleet clusters Berth created, as columns.</summary>
public static class FleetClusterTable
{
    /// <summary>The REST path the clusters are read from.</summary>
    public const string Path = "v1/fleet/clusters";

    /// <summary>
    /// Clusters as columns; NODES is Ready of total, CREATED when it was made. Wide adds the node names.
    /// </summary>
    public static void Write(string json, bool wide, TextWriter output)
    {
        var clusters = BerthClient.Read<FleetClustersResponse>(json);
        string[] headers = wide
            ? ["NAME", "POOL", "REGION", "PROVIDER", "NODE CLASS", "NODES", "PHASE", "CREATED", "NODE NAMES"]
            : ["NAME", "POOL", "REGION", "PROVIDER", "NODE CLASS", "NODES", "PHASE", "CREATED"];
        Render.Columns(output, headers, clusters.Clusters.Select(c =>
        {
            string[] row =
            [
                c.Name, c.Pool, c.Region, c.Provider, c.NodeClass,
                $"{Render.Number(c.ReadyNodes)}/{Render.Number(c.Nodes.Count)}", c.Phase.ToString(), Render.Time(c.CreatedAt),
            ];
            return wide ? (IReadOnlyList<string>)[.. row, c.Nodes.Count == 0 ? Render.None : string.Join(",", c.Nodes)] : row;
        }));
    }
}
