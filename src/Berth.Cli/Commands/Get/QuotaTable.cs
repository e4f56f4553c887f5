using Berth.Cli.Commands.Client;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Get;

/// <summary><c>berth get quotas</c> as a table: one line per quota and limited resource, use against each limit.</summary>
public static class QuotaTable
{
    /// <summary>Writes the quotas of a <c>GET /v1/quotas</c> answer as columns.</summary>
    public static void Write(string json, bool wide, TextWriter output)
    {
        var quotas = BerthClient.Read<QuotaView[]>(json);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var quota in quotas)
        {
            var burst = quota.AllowBurst ? $"+{quota.MaxBurstPercent}%" : "off";
            foreach (var r in quota.Resources)
            {
                rows.Add([quota.Namespace, quota.Name, r.Resource, r.Used, r.Hard ?? Render.None, r.Soft ?? Render.None,
                    r.Soft is null ? Render.None : $"{r.BurstCeiling} ({burst})"]);
            }
        }
        Render.Columns(output, ["NAMESPACE", "QUOTA", "RESOURCE", "USED", "HARD", "SOFT", "BURST CEILING"], rows);
    }
}
