using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>
/// Reads the spec of a <c>Quota</c> manifest into a <see cref="QuotaSpec"/>; a what-if scenario's <c>quotas</c> entries use
/// the same fields, read by <see cref="ReadSpec"/>, so they mean the same in both:
/// <c>{hard: {cpu: "8", replicas: 20}, soft: {cpu: "4"}, allowBurst: true, maxBurstPercent: 50}</c>.
/// </summary>
public static class QuotaManifestReader
{
    /// <summary>The kind's name in manifests.</summary>
    public const string Kind = "Quota";

    /// <summary>The largest <c>maxBurstPercent</c>: a namespace may burst to at most eleven times its soft limit.</summary>
    public const int MaxBurstPercentLimit = 1000;

    /// <summary>Reads a Quota document.</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static QuotaSpec Read(ManifestDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Kind != Kind)
        {
            document.Root.RequiredField("kind").Fail($"expected kind {Kind}, found '{document.Kind}'");
        }
        var spec = document.Spec;
        if (!spec.IsMapping)
        {
            spec.Fail("expected a mapping with the quota's hard and soft limits");
        }
        spec.ExpectFields("hard", "soft", "allowBurst", "maxBurstPercent");
        return ReadSpec(spec, document.Name, document.Namespace);
    }

    /// <summary>Reads the limit fields (<c>hard</c>, <c>soft</c>, <c>allowBurst</c>, <c>maxBurstPercent</c>) of a node whose other fields the caller checked.</summary>
    /// <exception cref="ManifestException">A limit is wrong; the message names the path.</exception>
    public static QuotaSpec ReadSpec(ManifestNode node, string name, string ns)
    {
        ArgumentNullException.ThrowIfNull(node);
        var hard = ReadLimits(node.Field("hard"));
        var soft = ReadLimits(node.Field("soft"));
        if (hard.Count == 0 && soft.Count == 0)
        {
            node.Fail("a quota needs hard or soft limits, e.g. hard: {cpu: \"8\", memory: 16Gi, replicas: 20}");
        }
        foreach (var (resource, limit) in soft)
        {
            if (hard.TryGetValue(resource, out var hardLimit) && limit.Amount > hardLimit.Amount)
            {
                node.RequiredField("soft").RequiredField(resource).Fail(
                    $"soft limit {limit} is above the hard limit {hardLimit}; lower it to at most the hard limit");
            }
        }
        bool allowBurst = node.Bool("allowBurst", false);
        if (allowBurst && soft.Count == 0)
        {
            node.RequiredField("allowBurst").Fail("bursting goes above soft limits, and none are given; add soft limits or remove allowBurst");
        }
        int maxBurstPercent = allowBurst ? QuotaSpec.DefaultMaxBurstPercent : 0;
        if (node.Field("maxBurstPercent") is { } percentNode)
        {
            if (!allowBurst)
            {
                percentNode.Fail("maxBurstPercent needs allowBurst: true; add it or remove maxBurstPercent");
            }
            maxBurstPercent = percentNode.AsInt();
            if (maxBurstPercent is < 0 or > MaxBurstPercentLimit)
            {
                percentNode.Fail($"{maxBurstPercent} is out of range; use 0 to {MaxBurstPercentLimit}");
            }
        }
        return new QuotaSpec(name, ns, hard, soft, allowBurst, maxBurstPercent);
    }

    /// <summary>A limit map: resource names as requests give them, plus <c>replicas</c> (a whole count).</summary>
    private static ResourceList ReadLimits(ManifestNode? node)
    {
        if (node is null)
        {
            return ResourceList.Empty;
        }
        var items = new List<KeyValuePair<string, Quantity>>();
        foreach (var (resource, value) in node.Entries())
        {
            if (resource == ResourceNames.Pods)
            {
                value.Fail($"a quota counts replicas as '{QuotaSpec.Replicas}'; rename '{ResourceNames.Pods}' to '{QuotaSpec.Replicas}'");
            }
            if (resource != QuotaSpec.Replicas && ResourceNames.Validate(resource) is { } nameError)
            {
                value.Fail($"{nameError}, or {QuotaSpec.Replicas} for the number of replicas");
            }
            var quantity = ResourceListReader.ReadQuantity(value);
            if (resource == QuotaSpec.Replicas && quantity.Amount != decimal.Truncate(quantity.Amount))
            {
                value.Fail($"'{value.AsString()}' is not a whole number of replicas");
            }
            items.Add(KeyValuePair.Create(resource, quantity));
        }
        return ResourceList.From(items);
    }
}
