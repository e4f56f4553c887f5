using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>
/// Reads containers (<c>{name, requests, limits}</c> or <c>{name, resources: {requests, limits}}</c>, plus command, args, env
/// and workingDir for manifests), checking that every request is within its limit.
/// </summary>
public static class ContainersReader
{
    /// <summary>A list of containers with unique names; empty when absent. A container without a name is named <c>c&lt;index&gt;</c>.</summary>
    public static IReadOnlyList<ContainerSpec> ReadList(ManifestNode? node, string unnamedPrefix = "c")
    {
        var containers = new List<ContainerSpec>();
        var items = node?.Items() ?? [];
        for (int i = 0; i < items.Count; i++)
        {
            var container = Read(items[i], $"{unnamedPrefix}{i}");
            if (containers.Any(c => c.Name == container.Name))
            {
                throw new ManifestException(items[i].ChildPath("name"), $"'{container.Name}' is used by another container; names must be unique");
            }
            containers.Add(container);
        }
        return containers;
    }

    /// <summary>One container.</summary>
    public static ContainerSpec Read(ManifestNode node, string defaultName)
    {
        node.ExpectFields("name", "requests", "limits", "resources", "command", "args", "env", "workingDir");
        var nameNode = node.Field("name");
        var name = nameNode?.AsString() ?? defaultName;
        if (nameNode is not null && ManifestNames.ValidateDnsLabel(name) is { } nameError)
        {
            nameNode.Fail(nameError);
        }
        var holder = node;
        if (node.Field("resources") is { } resources)
        {
            if (node.Has("requests") || node.Has("limits"))
            {
                resources.Fail("give requests and limits either here or directly on the container, not both");
            }
            holder = resources.ExpectFields("requests", "limits");
        }
        var requirements = ReadRequirements(holder);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Field("env")?.Entries() ?? [])
        {
            env[key] = value.IsNull ? "" : value.AsString();
        }
        return new ContainerSpec(
            name,
            node.Field("command")?.AsStringList() ?? [],
            node.Field("args")?.AsStringList() ?? [],
            env,
            node.String("workingDir"),
            requirements);
    }

    /// <summary>The <c>requests</c> and <c>limits</c> fields of a mapping; every request must be at most its limit.</summary>
    public static ResourceRequirements ReadRequirements(ManifestNode holder)
    {
        var requests = ResourceListReader.Read(holder.Field("requests"));
        var limits = ResourceListReader.Read(holder.Field("limits"));
        foreach (var (field, list) in new[] { ("requests", requests), ("limits", limits) })
        {
            foreach (var (name, amount) in list)
            {
                // A GPU is asked for as whole devices, or as a share of a single device (spec/scenario.md, GPUs).
                bool device = ResourceNames.IsCountedInMilli(name) && name != ResourceNames.Cpu;
                if (device && amount.Amount > 1 && amount.Amount != decimal.Truncate(amount.Amount))
                {
                    throw new ManifestException($"{holder.ChildPath(field)}.{name}",
                        $"{amount} is neither a whole number of devices nor a share of one device; ask for whole devices (e.g. 2) or a share below one (e.g. 500m)");
                }
            }
        }
        foreach (var (name, request) in requests)
        {
            if (limits.TryGetValue(name, out var limit) && request.Amount > limit.Amount)
            {
                throw new ManifestException($"{holder.ChildPath("requests")}.{name}",
                    $"request {request} is greater than the limit {limit}; a request must be less than or equal to its limit");
            }
        }
        return new ResourceRequirements(requests, limits);
    }
}
