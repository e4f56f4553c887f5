namespace Berth.Core.Manifests;

/// <summary>Reads a label map (<c>{app: web, zone: a}</c>), checking keys and values as Kubernetes does.</summary>
public static class LabelsReader
{
    /// <summary>The labels of a mapping node; empty for null or absent.</summary>
    public static IReadOnlyDictionary<string, string> Read(ManifestNode? node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null)
        {
            return labels;
        }
        foreach (var (key, value) in node.Entries())
        {
            if (ManifestNames.ValidateLabelKey(key) is { } keyError)
            {
                value.Fail(keyError);
            }
            var text = value.IsNull ? "" : value.AsString();
            if (ManifestNames.ValidateLabelValue(text) is { } valueError)
            {
                value.Fail(valueError);
            }
            labels[key] = text;
        }
        return labels;
    }
}
