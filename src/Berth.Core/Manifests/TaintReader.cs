using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads node taints (<c>{key, value, effect}</c>).</summary>
public static class TaintReader
{
    /// <summary>A list of taints; empty when absent. A key and effect may appear only once.</summary>
    public static IReadOnlyList<Taint> ReadList(ManifestNode? node)
    {
        var taints = new List<Taint>();
        foreach (var item in node?.Items() ?? [])
        {
            var taint = Read(item);
            if (taints.Any(t => t.Key == taint.Key && t.Effect == taint.Effect))
            {
                item.Fail($"taint '{taint.Key}' with effect {taint.Effect} is given twice");
            }
            taints.Add(taint);
        }
        return taints;
    }

    /// <summary>One taint: key required, value optional, effect NoSchedule, PreferNoSchedule or NoExecute.</summary>
    public static Taint Read(ManifestNode node)
    {
        node.ExpectFields("key", "value", "effect");
        var keyNode = node.RequiredField("key");
        var key = keyNode.AsString();
        if (ManifestNames.ValidateLabelKey(key) is { } keyError)
        {
            keyNode.Fail(keyError);
        }
        var value = node.String("value", "")!;
        if (ManifestNames.ValidateLabelValue(value) is { } valueError)
        {
            node.RequiredField("value").Fail(valueError);
        }
        return new Taint(key, value, node.RequiredField("effect").AsEnum<TaintEffect>());
    }
}
