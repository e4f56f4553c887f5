using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads Kubernetes' pod.spec.affinity shape: nodeAffinity, podAffinity and podAntiAffinity.</summary>
public static class AffinityReader
{
    private const string Required = "requiredDuringSchedulingIgnoredDuringExecution";
    private const string Preferred = "preferredDuringSchedulingIgnoredDuringExecution";

    /// <summary>The affinity of a mapping node; <see cref="Affinity.None"/> when absent.</summary>
    public static Affinity Read(ManifestNode? node)
    {
        if (node is null)
        {
            return Affinity.None;
        }
        node.ExpectFields("nodeAffinity", "podAffinity", "podAntiAffinity");
        return new Affinity(
            ReadNodeAffinity(node.Field("nodeAffinity")),
            ReadReplicaAffinity(node.Field("podAffinity")),
            ReadReplicaAffinity(node.Field("podAntiAffinity")));
    }

    /// <summary>Node affinity: a required node selector and weighted preferences.</summary>
    public static NodeAffinity ReadNodeAffinity(ManifestNode? node)
    {
        if (node is null)
        {
            return NodeAffinity.None;
        }
        node.ExpectFields(Required, Preferred);
        var required = node.Field(Required) is { } r ? SelectorReader.ReadNodeSelector(r) : null;
        var preferred = new List<PreferredSchedulingTerm>();
        foreach (var item in node.Field(Preferred)?.Items() ?? [])
        {
            item.ExpectFields("weight", "preference");
            int weight = ReadWeight(item);
            preferred.Add(new PreferredSchedulingTerm(weight, SelectorReader.ReadNodeSelectorTerm(item.RequiredField("preference"))));
        }
        return new NodeAffinity(required, preferred);
    }

    /// <summary>podAffinity or podAntiAffinity: required terms and weighted preferred terms.</summary>
    public static ReplicaAffinity ReadReplicaAffinity(ManifestNode? node)
    {
        if (node is null)
        {
            return ReplicaAffinity.None;
        }
        node.ExpectFields(Required, Preferred);
        var required = (node.Field(Required)?.Items() ?? []).Select(ReadTerm).ToList();
        var preferred = new List<WeightedAffinityTerm>();
        foreach (var item in node.Field(Preferred)?.Items() ?? [])
        {
            item.ExpectFields("weight", "podAffinityTerm");
            int weight = ReadWeight(item);
            preferred.Add(new WeightedAffinityTerm(weight, ReadTerm(item.RequiredField("podAffinityTerm"))));
        }
        return new ReplicaAffinity(required, preferred);
    }

    /// <summary>One PodAffinityTerm: labelSelector, namespaces, namespaceSelector, topologyKey, matchLabelKeys, mismatchLabelKeys.</summary>
    public static ReplicaAffinityTerm ReadTerm(ManifestNode node)
    {
        node.ExpectFields("labelSelector", "namespaces", "namespaceSelector", "topologyKey", "matchLabelKeys", "mismatchLabelKeys");
        var topologyNode = node.RequiredField("topologyKey");
        var topologyKey = topologyNode.AsString();
        if (ManifestNames.ValidateLabelKey(topologyKey) is { } keyError)
        {
            topologyNode.Fail(keyError);
        }
        var namespaces = node.Field("namespaces")?.AsStringList() ?? [];
        var matchKeys = ReadKeys(node.Field("matchLabelKeys"));
        var mismatchKeys = ReadKeys(node.Field("mismatchLabelKeys"));
        foreach (var key in matchKeys)
        {
            if (mismatchKeys.Contains(key, StringComparer.Ordinal))
            {
                node.RequiredField("mismatchLabelKeys").Fail($"'{key}' is also in matchLabelKeys; a key may be in only one of them");
            }
        }
        var selector = SelectorReader.ReadLabelSelector(node.Field("labelSelector"));
        if (selector is null && (matchKeys.Count > 0 || mismatchKeys.Count > 0))
        {
            throw new ManifestException(node.ChildPath("labelSelector"), "is required when matchLabelKeys or mismatchLabelKeys is set");
        }
        return new ReplicaAffinityTerm(selector, namespaces, SelectorReader.ReadLabelSelector(node.Field("namespaceSelector")), topologyKey, matchKeys, mismatchKeys);
    }

    /// <summary>A preference weight, 1 to 100.</summary>
    public static int ReadWeight(ManifestNode term)
    {
        var node = term.RequiredField("weight");
        int weight = node.AsInt();
        if (weight is < 1 or > 100)
        {
            node.Fail($"{weight} is out of range; use 1 to 100");
        }
        return weight;
    }

    private static List<string> ReadKeys(ManifestNode? node)
    {
        var keys = new List<string>();
        foreach (var item in node?.Items() ?? [])
        {
            var key = item.AsString();
            if (ManifestNames.ValidateLabelKey(key) is { } error)
            {
                item.Fail(error);
            }
            keys.Add(key);
        }
        return keys;
    }
}
