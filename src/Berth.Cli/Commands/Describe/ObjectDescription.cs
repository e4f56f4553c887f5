using System.Text.Json;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Describe;

/// <summary>
/// <c>berth describe KIND NAME</c> for the kinds other than workloads and nodes: the envelope, then the stored spec as
/// indented <c>field: value</c> lines (YAML's shape, so it reads like the manifest that was applied).
/// </summary>
public static class ObjectDescription
{
    /// <summary>Writes one object.</summary>
    public static void Write(ObjectView view, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Kind:       {view.Kind}");
        output.WriteLine($"Name:       {view.Name}");
        if (view.Namespace.Length > 0)
        {
            output.WriteLine($"Namespace:  {view.Namespace}");
        }
        output.WriteLine($"Revision:   {view.Revision}");
        output.WriteLine("Spec:");
        WriteFields(view.Spec, "  ", output);
    }

    private static void WriteFields(JsonElement mapping, string indent, TextWriter output)
    {
        foreach (var property in mapping.EnumerateObject())
        {
            if (property.Name == "name" && indent.Length == 2)
            {
                continue;
            }
            WriteValue($"{indent}{property.Name}:", property.Value, indent, output);
        }
    }

    private static void WriteValue(string head, JsonElement value, string indent, TextWriter output)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.EnumerateObject().Any():
                output.WriteLine(head);
                WriteFields(value, indent + "  ", output);
                break;
            case JsonValueKind.Array when value.EnumerateArray().Any(item => item.ValueKind is JsonValueKind.Object or JsonValueKind.Array):
                output.WriteLine(head);
                foreach (var item in value.EnumerateArray())
                {
                    WriteValue($"{indent}  -", item, indent + "  ", output);
                }
                break;
            case JsonValueKind.Array:
                output.WriteLine($"{head} [{string.Join(", ", value.EnumerateArray().Select(Scalar))}]");
                break;
            case JsonValueKind.Object:
                output.WriteLine($"{head} {{}}");
                break;
            default:
                output.WriteLine($"{head} {Scalar(value)}");
                break;
        }
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null => "<none>",
        _ => value.GetRawText(),
    };
}
