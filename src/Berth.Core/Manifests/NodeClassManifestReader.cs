using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads a <c>NodeClass</c> manifest's spec into a <see cref="NodeClassSpec"/> (field names of the fleet design).</summary>
public static class NodeClassManifestReader
{
    /// <summary>The manifest kind.</summary>
    public const string Kind = "NodeClass";

    /// <summary>Reads a NodeClass document.</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static NodeClassSpec Read(ManifestDocument document)
    {
        var spec = FleetFieldReader.SpecOf(document, Kind, "{resources: {cores: 4, memoryGi: 16}, costPerHour: {local: 0}}");
        spec.ExpectFields("providers", "resources", "costPerHour");

        var resourcesNode = spec.RequiredField("resources");
        resourcesNode.ExpectFields("cores", "memoryGi", "storageGi", "gpus");
        var resources = new NodeClassResources(
            FleetFieldReader.AtLeast(resourcesNode.RequiredField("cores"), 1),
            FleetFieldReader.AtLeast(resourcesNode.RequiredField("memoryGi"), 1),
            resourcesNode.Field("storageGi") is { } storage ? FleetFieldReader.AtLeast(storage, 0) : 0,
            resourcesNode.Field("gpus") is { } gpus ? FleetFieldReader.AtLeast(gpus, 0) : 0);

        var providers = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (spec.Field("providers") is { } providersNode)
        {
            foreach (var (provider, settingsNode) in providersNode.Entries())
            {
                var settings = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (key, value) in settingsNode.Entries())
                {
                    settings[key] = value.AsString();
                }
                providers[provider] = settings;
            }
        }

        var costs = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (spec.Field("costPerHour") is { } costsNode)
        {
            foreach (var (provider, value) in costsNode.Entries())
            {
                costs[provider] = FleetFieldReader.Money(value);
            }
        }
        return new NodeClassSpec(document.Name, resources, providers, costs);
    }
}
