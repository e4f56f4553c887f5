using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads topologySpreadConstraints with Kubernetes' fields, defaults and validation.</summary>
public static class TopologySpreadReader
{
    /// <summary>A list of constraints; empty when absent. A topology key and action may appear only once.</summary>
    public static IReadOnlyList<TopologySpreadConstraint> ReadList(ManifestNode? node)
    {
        var constraints = new List<TopologySpreadConstraint>();
        foreach (var item in node?.Items() ?? [])
        {
            var constraint = Read(item);
            if (constraints.Any(c => c.TopologyKey == constraint.TopologyKey && c.WhenUnsatisfiable == constraint.WhenUnsatisfiable))
            {
                item.Fail($"a constraint on '{constraint.TopologyKey}' with {constraint.WhenUnsatisfiable} is given twice");
            }
            constraints.Add(constraint);
        }
        return constraints;
    }

    /// <summary>
    /// One constraint: maxSkew (at least 1), topologyKey and whenUnsatisfiable required; minDomains (at least 1, DoNotSchedule only);
    /// nodeAffinityPolicy defaults to Honor and nodeTaintsPolicy to Ignore, as in Kubernetes.
    /// </summary>
    public static TopologySpreadConstraint Read(ManifestNode node)
    {
        node.ExpectFields("maxSkew", "topologyKey", "whenUnsatisfiable", "labelSelector", "minDomains", "nodeAffinityPolicy", "nodeTaintsPolicy", "matchLabelKeys");
        var skewNode = node.RequiredField("maxSkew");
        int maxSkew = skewNode.AsInt();
        if (maxSkew < 1)
        {
            skewNode.Fail($"{maxSkew} is out of range; must be 1 or more");
        }
        var keyNode = node.RequiredField("topologyKey");
        var topologyKey = keyNode.AsString();
        if (ManifestNames.ValidateLabelKey(topologyKey) is { } keyError)
        {
            keyNode.Fail(keyError);
        }
        var action = node.RequiredField("whenUnsatisfiable").AsEnum<UnsatisfiableConstraintAction>();
        int? minDomains = null;
        if (node.Field("minDomains") is { } minNode)
        {
            minDomains = minNode.AsInt();
            if (minDomains < 1)
            {
                minNode.Fail($"{minDomains} is out of range; must be 1 or more");
            }
            if (action != UnsatisfiableConstraintAction.DoNotSchedule)
            {
                minNode.Fail("only applies with whenUnsatisfiable DoNotSchedule");
            }
        }
        var selector = SelectorReader.ReadLabelSelector(node.Field("labelSelector"));
        var matchLabelKeys = new List<string>();
        foreach (var item in node.Field("matchLabelKeys")?.Items() ?? [])
        {
            var key = item.AsString();
            if (ManifestNames.ValidateLabelKey(key) is { } error)
            {
                item.Fail(error);
            }
            if (selector is not null && selector.MatchLabels.ContainsKey(key))
            {
                item.Fail($"'{key}' is also in labelSelector.matchLabels; a key may be in only one of them");
            }
            matchLabelKeys.Add(key);
        }
        return new TopologySpreadConstraint(
            maxSkew,
            topologyKey,
            action,
            selector,
            minDomains,
            node.Field("nodeAffinityPolicy")?.AsEnum<NodeInclusionPolicy>() ?? NodeInclusionPolicy.Honor,
            node.Field("nodeTaintsPolicy")?.AsEnum<NodeInclusionPolicy>() ?? NodeInclusionPolicy.Ignore,
            matchLabelKeys);
    }
}
