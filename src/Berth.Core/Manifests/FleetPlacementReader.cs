using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads a workload's <c>placement</c> (fleet placement) and <c>dependencies</c> fields.</summary>
public static class FleetPlacementReader
{
    /// <summary>The directions a dependency may give.</summary>
    public static IReadOnlyList<string> Directions { get; } = ["outbound", "inbound", "both"];

    /// <summary>Reads <c>placement</c>; null when absent.</summary>
    /// <param name="dependencies">The workload's dependencies, which latency bounds must name.</param>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static FleetPlacement? Read(ManifestNode? node, IReadOnlyList<WorkloadDependency> dependencies)
    {
        if (node is null || node.IsNull)
        {
            return null;
        }
        if (!node.IsMapping)
        {
            node.Fail("expected a mapping, e.g. {pools: {matchLabels: {tier: production}}, requiredRegions: [us-east]}");
        }
        node.ExpectFields("pools", "requiredRegions", "compliance", "resources", "latency");
        var pools = SelectorReader.ReadLabelSelector(node.Field("pools"));
        FleetResources? resources = null;
        if (node.Field("resources") is { } resourcesNode)
        {
            resourcesNode.ExpectFields("cores", "memoryGi");
            resources = new FleetResources(
                FleetFieldReader.Positive(resourcesNode.RequiredField("cores")),
                resourcesNode.Field("memoryGi") is { } memory ? FleetFieldReader.Positive(memory) : 0);
        }
        var latency = new Dictionary<string, int>(StringComparer.Ordinal);
        if (node.Field("latency") is { } latencyNode)
        {
            foreach (var (dependency, bound) in latencyNode.Entries())
            {
                if (!dependencies.Any(d => d.Name == dependency))
                {
                    bound.Fail($"'{dependency}' is not one of the workload's dependencies; add it under spec.dependencies or remove the bound");
                }
                bound.ExpectFields("maxMs");
                latency[dependency] = FleetFieldReader.AtLeast(bound.RequiredField("maxMs"), 1);
            }
        }
        return new FleetPlacement(
            pools,
            FleetFieldReader.Names(node.Field("requiredRegions")),
            FleetFieldReader.Names(node.Field("compliance")),
            resources,
            latency);
    }

    /// <summary>Reads <c>dependencies</c>: a mapping of workload name to <c>{type, direction}</c>; empty when absent.</summary>
    /// <exception cref="ManifestException">A name or field is wrong; the message names the path.</exception>
    public static IReadOnlyList<WorkloadDependency> ReadDependencies(ManifestNode? node)
    {
        if (node is null || node.IsNull)
        {
            return [];
        }
        if (!node.IsMapping)
        {
            node.Fail("expected a mapping of workload names, e.g. {database: {type: Service, direction: outbound}}");
        }
        var dependencies = new List<WorkloadDependency>();
        foreach (var (name, entry) in node.Entries())
        {
            if (ManifestNames.ValidateDnsLabel(name) is { } error)
            {
                entry.Fail(error);
            }
            entry.ExpectFields("type", "direction");
            var type = entry.String("type", "Service")!;
            if (type != "Service")
            {
                entry.RequiredField("type").Fail($"'{type}' is not a dependency type; use Service");
            }
            var direction = entry.String("direction", "outbound")!;
            if (!Directions.Contains(direction))
            {
                entry.RequiredField("direction").Fail($"'{direction}' is not a direction; use one of {string.Join(", ", Directions)}");
            }
            dependencies.Add(new WorkloadDependency(name, type, direction));
        }
        return dependencies;
    }
}
