using System.Globalization;
using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>
/// Reads priority classes: the spec of a <c>PriorityClass</c> manifest (spec/manifests.md) and the entries of a what-if
/// scenario's <c>priorityClasses</c> section (spec/scenario.md), with the same field names and checks in both.
/// </summary>
public static class PriorityClassReader
{
    /// <summary>The fields of a class besides its name.</summary>
    private static readonly string[] ClassFields = ["value", "globalDefault", "preemptionPolicy", "description"];

    /// <summary>Reads a PriorityClass document (cluster-wide: its name is a DNS-1123 subdomain, any namespace is ignored).</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static PriorityClass Read(ManifestDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Kind != ManifestKinds.PriorityClass)
        {
            document.Root.RequiredField("kind").Fail($"expected kind {ManifestKinds.PriorityClass}, found '{document.Kind}'");
        }
        var spec = document.Spec;
        if (!spec.IsMapping)
        {
            spec.Fail("expected a mapping with the class's value, e.g. {value: 1000}");
        }
        spec.ExpectFields(ClassFields);
        return ReadFields(spec, document.Name);
    }

    /// <summary>Reads a scenario's <c>priorityClasses</c> list (each entry a name and the fields of a class's spec).</summary>
    /// <exception cref="ManifestException">An entry is wrong, a name is given twice or more than one class is the global default.</exception>
    public static IReadOnlyList<PriorityClass> ReadList(ManifestNode? node)
    {
        var classes = new List<PriorityClass>();
        foreach (var item in node?.Items() ?? [])
        {
            item.ExpectFields(["name", .. ClassFields]);
            var nameNode = item.RequiredField("name");
            var name = nameNode.AsString();
            if (ManifestNames.ValidateDnsSubdomain(name) is { } error)
            {
                nameNode.Fail(error);
            }
            if (classes.Exists(c => c.Name == name))
            {
                nameNode.Fail($"priority class '{name}' is listed twice");
            }
            var priorityClass = ReadFields(item, name);
            if (priorityClass.GlobalDefault && classes.Find(c => c.GlobalDefault) is { } other)
            {
                item.RequiredField("globalDefault").Fail(
                    $"priority class '{other.Name}' is already the global default; at most one class may set globalDefault: true");
            }
            classes.Add(priorityClass);
        }
        return classes;
    }

    private static PriorityClass ReadFields(ManifestNode node, string name)
    {
        var valueNode = node.RequiredField("value");
        int value = valueNode.AsInt();
        if (value > PriorityClass.HighestUserDefinableValue)
        {
            valueNode.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{value} is above {PriorityClass.HighestUserDefinableValue}, the highest value a user-defined priority class may have; use a smaller value"));
        }
        return new PriorityClass(
            name,
            value,
            node.Bool("globalDefault", false),
            node.Field("preemptionPolicy")?.AsEnum<PreemptionPolicy>() ?? PreemptionPolicy.PreemptLowerPriority,
            node.String("description", "") ?? "");
    }
}
