using Berth.Core.Resources;

namespace Berth.Core.Specs;

/// <summary>One process of a replica, with what it needs.</summary>
public sealed record ContainerSpec(
    string Name,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    string? WorkingDir,
    ResourceRequirements Resources)
{
    /// <summary>A container that only declares resources (for scheduling-only specs such as what-if scenarios).</summary>
    public static ContainerSpec ForResources(string name, ResourceRequirements resources) =>
        new(name, [], [], new Dictionary<string, string>(), null, resources);
}
