using System.Globalization;
using System.Text.Json;
using Berth.Scheduling.Snapshot;
using Spectre.Console;

namespace Berth.Cli.Commands.Simulate;

/// <summary>The <c>reservations</c> part of a simulation report: each reservation's reserved, used and held amounts after the run.</summary>
public static class SimulationReservationsWriter
{
    /// <summary>Writes <c>"reservations": [...]</c>; nothing when the scenario has none, so other reports keep their shape.</summary>
    public static void WriteJson(Utf8JsonWriter json, IReadOnlyList<ReservationUsage> reservations)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(reservations);
        if (reservations.Count == 0)
        {
            return;
        }
        json.WriteStartArray("reservations");
        foreach (var r in reservations)
        {
            json.WriteStartObject();
            json.WriteString("name", r.Name);
            json.WriteString("namespace", r.Namespace);
            json.WriteStartArray("nodes");
            foreach (var node in r.Nodes)
            {
                json.WriteStringValue(node);
            }
            json.WriteEndArray();
            json.WriteString("state", r.State);
            json.WriteNumber("priority", r.Priority);
            json.WriteStartObject("resources");
            foreach (var resource in r.Resources)
            {
                json.WriteStartObject(resource.Name);
                json.WriteString("reserved", resource.Reserved);
                json.WriteString("used", resource.Used);
                json.WriteString("held", resource.Held);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>Writes one row per reservation; nothing when the scenario has none.</summary>
    public static void WriteTable(IAnsiConsole console, IReadOnlyList<ReservationUsage> reservations)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(reservations);
        if (reservations.Count == 0)
        {
            return;
        }
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("RESERVATION").AddColumn("NODES").AddColumn("STATE").AddColumn(new TableColumn("PRIORITY").RightAligned())
            .AddColumn("RESERVED").AddColumn("USED").AddColumn("HELD");
        foreach (var r in reservations)
        {
            table.AddRow(
                new Text($"{r.Namespace}/{r.Name}"),
                new Text(r.Nodes.Count == 0 ? "(cluster-wide)" : string.Join(",", r.Nodes)),
                new Text(r.State),
                new Text(r.Priority.ToString(CultureInfo.InvariantCulture)),
                new Text(string.Join(",", r.Resources.Select(x => $"{x.Name}={x.Reserved}"))),
                new Text(string.Join(",", r.Resources.Select(x => $"{x.Name}={x.Used}"))),
                new Text(string.Join(",", r.Resources.Select(x => $"{x.Name}={x.Held}"))));
        }
        console.Write(table);
    }
}
