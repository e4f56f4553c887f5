using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads a <c>Pool</c> manifest's spec into a <see cref="PoolSpec"/> (field names of the fleet design).</summary>
public static class PoolManifestReader
{
    /// <summary>The manifest kind.</summary>
    public const string Kind = "Pool";

    /// <summary>The longest pool name: cluster names add a 5-character suffix and node names a few more, all within 63.</summary>
    public const int MaxNameLength = 50;

    /// <summary>The label key whose value lists the regimes a pool complies with.</summary>
    public const string ComplianceLabel = "compliance";

    /// <summary>Reads a Pool document.</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static PoolSpec Read(ManifestDocument document)
    {
        var spec = FleetFieldReader.SpecOf(document, Kind, "{region: us-east, provider: {type: local}, nodeClasses: [medium]}");
        spec.ExpectFields("region", "provider", "capacity", "budget", "nodeClasses", "labels");
        if (document.Name.Length > MaxNameLength)
        {
            document.Root.RequiredField("metadata").RequiredField("name").Fail(
                $"'{document.Name}' is {document.Name.Length} characters; a pool name may have at most {MaxNameLength}, because cluster and node names are built from it");
        }

        var region = spec.Field("region") is { } regionNode ? regionNode.AsDnsLabel() : document.Name;
        var provider = ReadProvider(spec.RequiredField("provider"));
        var capacity = spec.Field("capacity") is { } capacityNode ? ReadCapacity(capacityNode) : PoolCapacity.Unlimited;
        var budget = spec.Field("budget") is { } budgetNode ? ReadBudget(budgetNode) : null;
        var nodeClassesNode = spec.RequiredField("nodeClasses");
        var nodeClasses = FleetFieldReader.Names(nodeClassesNode);
        if (nodeClasses.Count == 0)
        {
            nodeClassesNode.Fail("lists no node class; name at least one NodeClass the pool's clusters are built from, e.g. [medium]");
        }
        var (labels, compliance) = ReadLabels(spec.Field("labels"));
        return new PoolSpec(document.Name, region, provider, capacity, budget, nodeClasses, labels, compliance);
    }

    private static PoolProvider ReadProvider(ManifestNode node)
    {
        if (!node.IsMapping)
        {
            node.Fail("expected a mapping with the provider's type, e.g. {type: local}");
        }
        var typeNode = node.RequiredField("type");
        var type = typeNode.AsString();
        if (!FleetProviderTypes.All.Contains(type))
        {
            typeNode.Fail($"provider '{type}' is not built; use one of {string.Join(", ", FleetProviderTypes.All)} (docs/providers.md says what a cloud provider needs)");
        }
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Entries())
        {
            if (key != "type")
            {
                Flatten(key, value, settings);
            }
        }
        return new PoolProvider(type, settings);
    }

    private static void Flatten(string prefix, ManifestNode node, Dictionary<string, string> into)
    {
        if (node.IsMapping)
        {
            foreach (var (key, value) in node.Entries())
            {
                Flatten($"{prefix}.{key}", value, into);
            }
            return;
        }
        into[prefix] = node.AsString();
    }

    private static PoolCapacity ReadCapacity(ManifestNode node)
    {
        node.ExpectFields("maxNodes", "maxCores", "maxMemoryGi");
        return new PoolCapacity(
            node.Field("maxNodes") is { } nodes ? FleetFieldReader.AtLeast(nodes, 1) : null,
            node.Field("maxCores") is { } cores ? FleetFieldReader.AtLeast(cores, 1) : null,
            node.Field("maxMemoryGi") is { } memory ? FleetFieldReader.AtLeast(memory, 1) : null);
    }

    private static PoolBudget ReadBudget(ManifestNode node)
    {
        node.ExpectFields("maxMonthlyCost", "currency", "alertThreshold");
        var max = FleetFieldReader.Money(node.RequiredField("maxMonthlyCost"));
        var currency = node.String("currency", "USD")!;
        var threshold = node.Field("alertThreshold") is { } thresholdNode ? FleetFieldReader.Fraction(thresholdNode) : 0.8;
        return new PoolBudget(max, currency, threshold);
    }

    private static (IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Compliance) ReadLabels(ManifestNode? node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        IReadOnlyList<string> compliance = [];
        if (node is null || node.IsNull)
        {
            return (labels, compliance);
        }
        if (!node.IsMapping)
        {
            node.Fail("expected a mapping of labels, e.g. {tier: production, compliance: [soc2]}");
        }
        foreach (var (key, value) in node.Entries())
        {
            if (key == ComplianceLabel)
            {
                compliance = FleetFieldReader.Names(value);
                continue;
            }
            if (ManifestNames.ValidateLabelKey(key) is { } keyError)
            {
                value.Fail(keyError);
            }
            var text = value.AsString();
            if (ManifestNames.ValidateLabelValue(text) is { } valueError)
            {
                value.Fail(valueError);
            }
            labels[key] = text;
        }
        return (labels, compliance);
    }
}
