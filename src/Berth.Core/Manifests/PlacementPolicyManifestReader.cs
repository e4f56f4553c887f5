using Berth.Core.Labels;
using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads a <c>PlacementPolicy</c> manifest's spec into a <see cref="PlacementPolicySpec"/> (field names of the fleet design).</summary>
public static class PlacementPolicyManifestReader
{
    /// <summary>The manifest kind.</summary>
    public const string Kind = "PlacementPolicy";

    /// <summary>The pool topology keys a spread constraint may name.</summary>
    public static IReadOnlyList<string> SpreadTopologyKeys { get; } = ["region", "pool", "cluster"];

    /// <summary>Reads a PlacementPolicy document.</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static PlacementPolicySpec Read(ManifestDocument document)
    {
        var spec = FleetFieldReader.SpecOf(document, Kind, "{selector: {matchLabels: {env: production}}, requirements: {minRegions: 2}}");
        spec.ExpectFields("selector", "requirements", "preferences", "clusterPolicy");
        var selectorNode = spec.RequiredField("selector");
        var selector = SelectorReader.ReadLabelSelector(selectorNode) ?? LabelSelector.Everything;
        var requirements = spec.Field("requirements") is { } requirementsNode ? ReadRequirements(requirementsNode) : PolicyRequirements.None;
        var preferences = new List<PolicyPreference>();
        foreach (var item in spec.Field("preferences")?.Items() ?? [])
        {
            preferences.Add(ReadPreference(item));
        }
        var clusterPolicy = spec.Field("clusterPolicy") is { } clusterNode ? ReadClusterPolicy(clusterNode) : ClusterPolicy.Default;
        return new PlacementPolicySpec(document.Name, selector, requirements, preferences, clusterPolicy);
    }

    private static PolicyRequirements ReadRequirements(ManifestNode node)
    {
        node.ExpectFields("minRegions", "compliance", "spreadConstraint");
        int minRegions = node.Field("minRegions") is { } regions ? FleetFieldReader.AtLeast(regions, 0) : 0;
        FleetSpreadConstraint? spread = null;
        if (node.Field("spreadConstraint") is { } spreadNode)
        {
            spreadNode.ExpectFields("topologyKey", "maxSkew");
            var keyNode = spreadNode.RequiredField("topologyKey");
            var key = keyNode.AsString();
            if (!SpreadTopologyKeys.Contains(key))
            {
                keyNode.Fail($"'{key}' is not a pool topology key; use one of {string.Join(", ", SpreadTopologyKeys)}");
            }
            spread = new FleetSpreadConstraint(key, FleetFieldReader.AtLeast(spreadNode.RequiredField("maxSkew"), 1));
        }
        return new PolicyRequirements(minRegions, FleetFieldReader.Names(node.Field("compliance")), spread);
    }

    private static PolicyPreference ReadPreference(ManifestNode node)
    {
        node.ExpectFields("weight", "preference");
        var weightNode = node.RequiredField("weight");
        int weight = FleetFieldReader.AtLeast(weightNode, 1);
        if (weight > 100)
        {
            weightNode.Fail($"{weight} is above 100; give a weight from 1 to 100");
        }
        var preference = node.RequiredField("preference");
        preference.ExpectFields("sortBy", "order");
        var sortByNode = preference.RequiredField("sortBy");
        var sortBy = sortByNode.AsString() switch
        {
            "cost" => PoolSortKey.Cost,
            "availableCapacity" => PoolSortKey.AvailableCapacity,
            var other => throw sortByNode.Error($"'{other}' is not a pool measure; use cost or availableCapacity"),
        };
        var order = SortOrder.Ascending;
        if (preference.Field("order") is { } orderNode)
        {
            order = orderNode.AsString() switch
            {
                "ascending" => SortOrder.Ascending,
                "descending" => SortOrder.Descending,
                var other => throw orderNode.Error($"'{other}' is not an order; use ascending or descending"),
            };
        }
        return new PolicyPreference(weight, sortBy, order);
    }

    private static ClusterPolicy ReadClusterPolicy(ManifestNode node)
    {
        node.ExpectFields("minNodes", "maxNodes", "binPackingThreshold", "consolidation");
        var defaults = ClusterPolicy.Default;
        int minNodes = node.Field("minNodes") is { } minNode ? FleetFieldReader.AtLeast(minNode, 1) : defaults.MinNodes;
        int maxNodes = defaults.MaxNodes;
        if (node.Field("maxNodes") is { } maxNode)
        {
            maxNodes = FleetFieldReader.AtLeast(maxNode, 1);
            if (maxNodes < minNodes)
            {
                maxNode.Fail($"{maxNodes} is below minNodes {minNodes}; give a maxNodes of at least {minNodes}");
            }
        }
        else
        {
            maxNodes = Math.Max(maxNodes, minNodes);
        }
        double threshold = node.Field("binPackingThreshold") is { } thresholdNode ? FleetFieldReader.Fraction(thresholdNode) : defaults.BinPackingThreshold;
        var consolidation = ConsolidationPolicy.Disabled;
        if (node.Field("consolidation") is { } consolidationNode)
        {
            consolidationNode.ExpectFields("enabled", "minUtilization");
            consolidation = new ConsolidationPolicy(
                consolidationNode.Bool("enabled", false),
                consolidationNode.Field("minUtilization") is { } utilization ? FleetFieldReader.Fraction(utilization) : ConsolidationPolicy.Disabled.MinUtilization);
        }
        return new ClusterPolicy(minNodes, maxNodes, threshold, consolidation);
    }
}
