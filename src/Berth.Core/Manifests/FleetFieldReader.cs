using System.Globalization;

namespace Berth.Core.Manifests;

/// <summary>Checks shared by the fleet kinds' readers: bounded numbers, fractions, name lists.</summary>
public static class FleetFieldReader
{
    /// <summary>An integer at least <paramref name="min"/>; the error names the field and the bound.</summary>
    public static int AtLeast(ManifestNode node, int min)
    {
        int value = node.AsInt();
        if (value < min)
        {
            node.Fail(string.Create(CultureInfo.InvariantCulture, $"{value} is below {min}; give {min} or more"));
        }
        return value;
    }

    /// <summary>A number above zero.</summary>
    public static double Positive(ManifestNode node)
    {
        double value = node.AsDouble();
        if (value <= 0)
        {
            node.Fail($"'{node.AsString()}' must be above zero");
        }
        return value;
    }

    /// <summary>A fraction from 0 to 1 (e.g. 0.8 for 80%).</summary>
    public static double Fraction(ManifestNode node)
    {
        double value = node.AsDouble();
        if (value is < 0 or > 1)
        {
            node.Fail($"'{node.AsString()}' is not a fraction from 0 to 1; write 80% as 0.8");
        }
        return value;
    }

    /// <summary>A money amount, zero or more.</summary>
    public static decimal Money(ManifestNode node)
    {
        decimal value = node.AsDecimal();
        if (value < 0)
        {
            node.Fail($"'{node.AsString()}' is negative; give a cost of zero or more");
        }
        return value;
    }

    /// <summary>A list of distinct DNS-1123 labels (regions, compliance regimes, node class names); a single name is taken as a list of one.</summary>
    public static IReadOnlyList<string> Names(ManifestNode? node)
    {
        if (node is null || node.IsNull)
        {
            return [];
        }
        var items = node.IsSequence ? node.Items() : [node];
        var names = new List<string>(items.Count);
        foreach (var item in items)
        {
            var name = item.AsDnsLabel();
            if (names.Contains(name))
            {
                item.Fail($"'{name}' is listed twice");
            }
            names.Add(name);
        }
        return names;
    }

    /// <summary>Checks that the document is of <paramref name="kind"/> and its spec is a mapping; returns the spec.</summary>
    public static ManifestNode SpecOf(ManifestDocument document, string kind, string example)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Kind != kind)
        {
            document.Root.RequiredField("kind").Fail($"expected kind {kind}, found '{document.Kind}'");
        }
        var spec = document.Spec;
        if (!spec.IsMapping)
        {
            spec.Fail($"expected a mapping, e.g. {example}");
        }
        return spec;
    }
}
