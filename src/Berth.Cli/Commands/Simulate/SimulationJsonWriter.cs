using System.Text.Encodings.Web;
using System.Text.Json;
using Berth.Scheduling.Simulation;

namespace Berth.Cli.Commands.Simulate;

/// <summary>Writes a simulation report in the JSON shape fixed by spec/scenario.md.</summary>
/// <remarks>
/// Written field by field rather than serialized, because the shape is a contract: <c>node</c> is always present (null when
/// unschedulable), <c>candidates</c> only with --explain, <c>preempted</c> only after preemption, <c>reasons</c> only for refused
/// nodes and <c>scores</c>/<c>total</c> only for feasible ones.
/// </remarks>
public static class SimulationJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Reasons such as "{dedicated: gpu}" stay readable; the output is not embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the report followed by a newline.</summary>
    public static void Write(SimulationReport report, bool explain, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteStartArray("placements");
            foreach (var placement in report.Placements)
            {
                WritePlacement(json, placement, explain);
            }
            json.WriteEndArray();
            json.WriteStartObject("summary");
            json.WriteNumber("placed", report.Summary.Placed);
            json.WriteNumber("unschedulable", report.Summary.Unschedulable);
            json.WriteNumber("nodesUsed", report.Summary.NodesUsed);
            json.WriteEndObject();
            SimulationReservationsWriter.WriteJson(json, report.Reservations);
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WritePlacement(Utf8JsonWriter json, ReplicaPlacement p, bool explain)
    {
        json.WriteStartObject();
        json.WriteString("workload", p.Workload);
        json.WriteString("namespace", p.Namespace);
        json.WriteNumber("replica", p.Replica);
        if (p.Node is null)
        {
            json.WriteNull("node");
        }
        else
        {
            json.WriteString("node", p.Node);
        }
        json.WriteString("reason", p.Reason);
        if (p.Burst)
        {
            json.WriteBoolean("burst", true);
        }
        if (p.Devices is { } devices)
        {
            json.WriteStartArray("devices");
            foreach (var device in devices)
            {
                json.WriteNumberValue(device);
            }
            json.WriteEndArray();
        }
        if (p.Preempted.Count > 0)
        {
            WriteStrings(json, "preempted", p.Preempted);
        }
        if (explain && p.Preemption is { } preemption)
        {
            json.WriteStartObject("preemption");
            json.WriteStartArray("candidates");
            foreach (var candidate in preemption.Candidates)
            {
                json.WriteStartObject();
                json.WriteString("node", candidate.Node);
                WriteStrings(json, "victims", candidate.Victims);
                json.WriteNumber("budgetViolations", candidate.BudgetViolations);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (preemption.Chosen is null)
            {
                json.WriteNull("chosen");
            }
            else
            {
                json.WriteString("chosen", preemption.Chosen);
            }
            json.WriteEndObject();
        }
        if (explain)
        {
            json.WriteStartArray("candidates");
            foreach (var candidate in p.Candidates ?? [])
            {
                WriteCandidate(json, candidate);
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static void WriteCandidate(Utf8JsonWriter json, CandidateEvaluation c)
    {
        json.WriteStartObject();
        json.WriteString("node", c.Node);
        json.WriteBoolean("feasible", c.Feasible);
        if (c.Feasible)
        {
            json.WriteStartObject("scores");
            foreach (var (plugin, score) in c.Scores)
            {
                json.WriteNumber(plugin, score);
            }
            json.WriteEndObject();
            json.WriteNumber("total", c.Total);
        }
        else
        {
            WriteStrings(json, "reasons", c.Reasons);
        }
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }
}
