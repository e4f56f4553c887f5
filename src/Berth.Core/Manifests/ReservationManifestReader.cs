using System.Globalization;
using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>
/// Reads a <c>Reservation</c> manifest's spec (and a what-if scenario's <c>reservations</c> entries, which share its
/// fields) into a <see cref="ReservationSpec"/>.
/// </summary>
public static class ReservationManifestReader
{
    /// <summary>The manifest kind.</summary>
    public const string Kind = ManifestKinds.Reservation;

    /// <summary>The fields of a reservation's spec.</summary>
    public static IReadOnlyList<string> SpecFields { get; } = ["resources", "nodes", "start", "expiry", "priority"];

    /// <summary>Reads a Reservation document; a manifest must give an expiry, so nothing is held forever.</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static ReservationSpec Read(ManifestDocument document)
    {
        if (document.Kind != Kind)
        {
            document.Root.RequiredField("kind").Fail($"expected kind {Kind}, found '{document.Kind}'");
        }
        var spec = document.Spec;
        if (!spec.IsMapping)
        {
            spec.Fail("expected a mapping with the reserved resources and an expiry, e.g. {resources: {cpu: \"4\"}, expiry: \"2026-12-01T00:00:00Z\"}");
        }
        spec.ExpectFields([.. SpecFields]);
        return ReadFields(spec, document.Name, document.Namespace, requireExpiry: true);
    }

    /// <summary>Reads the spec fields from <paramref name="node"/> (which the caller has checked for unknown fields).</summary>
    /// <param name="requireExpiry">True for manifests; a scenario may leave a reservation without an end.</param>
    public static ReservationSpec ReadFields(ManifestNode node, string name, string ns, bool requireExpiry)
    {
        var resourcesNode = node.RequiredField("resources");
        var resources = ResourceListReader.Read(resourcesNode);
        if (resources.Count == 0)
        {
            resourcesNode.Fail("reserves nothing; give at least one resource, e.g. {cpu: \"4\", memory: 8Gi}");
        }
        foreach (var (resource, quantity) in resources)
        {
            if (resource == ResourceNames.Pods)
            {
                resourcesNode.RequiredField(resource).Fail("pods cannot be reserved; reserve cpu, memory, ephemeral-storage or an extended resource");
            }
            if (ResourceNames.ToSchedulingUnits(resource, quantity) <= 0)
            {
                resourcesNode.RequiredField(resource).Fail($"'{quantity}' reserves nothing; give an amount above zero");
            }
        }

        var nodes = new List<string>();
        if (node.Field("nodes") is { } nodesNode)
        {
            foreach (var item in nodesNode.Items())
            {
                var nodeName = item.AsString();
                if (ManifestNames.ValidateDnsSubdomain(nodeName) is { } error)
                {
                    item.Fail(error);
                }
                if (nodes.Contains(nodeName))
                {
                    item.Fail($"node '{nodeName}' is listed twice");
                }
                nodes.Add(nodeName);
            }
        }

        DateTimeOffset? start = node.Field("start") is { } startNode ? ReadTime(startNode) : null;
        DateTimeOffset? expiry = null;
        if (node.Field("expiry") is { } expiryNode)
        {
            expiry = ReadTime(expiryNode);
            if (start is { } s && expiry <= s)
            {
                expiryNode.Fail($"'{expiryNode.AsString()}' is not after start '{node.RequiredField("start").AsString()}'; give an expiry later than the start");
            }
        }
        else if (requireExpiry)
        {
            node.RequiredField("expiry");
        }
        int priority = node.Int("priority", 0);
        return new ReservationSpec(name, ns, resources, nodes, start, expiry, priority);
    }

    /// <summary>An RFC 3339 time, as UTC.</summary>
    public static DateTimeOffset ReadTime(ManifestNode node)
    {
        var text = node.AsString();
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            node.Fail($"'{text}' is not a time; use RFC 3339, e.g. 2026-01-01T00:00:00Z");
        }
        return time;
    }
}
