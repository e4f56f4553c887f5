using Berth.Cli.Commands.Client;
using Berth.Scheduling.Snapshot;

namespace Berth.Cli.Commands.Get;

/// <summary><c>berth get reservations</c> as columns: per reservation, reserved against used and still held.</summary>
public static class ReservationTable
{
    /// <summary>Writes the answer of <c>GET /v1/reservations</c>; wide adds the start.</summary>
    public static void Write(string json, bool wide, TextWriter output)
    {
        var reservations = BerthClient.Read<ReservationUsage[]>(json);
        string[] headers = wide
            ? ["NAMESPACE", "NAME", "NODES", "STATE", "PRIORITY", "RESERVED", "USED", "HELD", "START", "EXPIRY"]
            : ["NAMESPACE", "NAME", "NODES", "STATE", "PRIORITY", "RESERVED", "USED", "HELD", "EXPIRY"];
        Render.Columns(output, headers, reservations.Select(r =>
        {
            var row = new List<string>
            {
                r.Namespace,
                r.Name,
                r.Nodes.Count == 0 ? "(cluster-wide)" : string.Join(",", r.Nodes),
                r.State,
                Render.Number(r.Priority),
                string.Join(",", r.Resources.Select(x => $"{x.Name}={x.Reserved}")),
                string.Join(",", r.Resources.Select(x => $"{x.Name}={x.Used}")),
                string.Join(",", r.Resources.Select(x => $"{x.Name}={x.Held}")),
            };
            if (wide)
            {
                row.Add(Render.Time(r.Start));
            }
            row.Add(Render.Time(r.Expiry));
            return (IReadOnlyList<string>)row;
        }));
    }
}
