using Berth.Core.Manifests;
using Berth.Scheduling.Profiles;

namespace Berth.Scheduling.Simulation;

/// <summary>
/// Reads a profiles file: named custom profiles, each starting from a built-in or an earlier profile (<c>base</c>)
/// and replacing its plugin lists, tiebreak or seed with the same fields as a scenario's <c>profile:</c>.
/// </summary>
/// <example>
/// <code>
/// profiles:
///   - name: gpu-pack
///     base: binpack
///     tiebreak: first
///   - name: cheap-spread
///     scores: [{name: NodeResourcesFit, weight: 1}, {name: PodTopologySpread, weight: 3}]
/// </code>
/// </example>
public static class ProfilesReader
{
    /// <summary>Reads the profiles, in file order; later profiles may use earlier ones as their base.</summary>
    /// <exception cref="ManifestException">The file is malformed; the message names the field path.</exception>
    public static IReadOnlyDictionary<string, SchedulingProfile> Read(string text, PluginRegistry? registry = null)
    {
        registry ??= PluginRegistry.Default;
        var root = ManifestNode.Parse(text);
        root.ExpectFields("profiles");
        var profiles = new Dictionary<string, SchedulingProfile>(StringComparer.Ordinal);
        foreach (var item in root.RequiredField("profiles").Items())
        {
            item.ExpectFields("name", "base", "filters", "scores", "postFilters", "tiebreak", "seed");
            var nameNode = item.RequiredField("name");
            var name = nameNode.AsDnsLabel();
            if (BuiltInProfiles.Find(name) is not null)
            {
                nameNode.Fail($"'{name}' is a built-in profile; give the custom profile another name and use base: {name}");
            }
            if (profiles.ContainsKey(name))
            {
                nameNode.Fail($"profile '{name}' is defined twice");
            }
            var start = item.Field("base") is { } baseNode ? ScenarioReader.FindProfile(baseNode, profiles) : BuiltInProfiles.Default;
            profiles[name] = ScenarioReader.ReadProfileOverrides(item, start, registry) with { Name = name };
        }
        return profiles;
    }
}
