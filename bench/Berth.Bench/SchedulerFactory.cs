using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;

namespace Berth.Bench;

/// <summary>Builds the scheduler the benchmarks run: the full default profile, PostFilters (preemption) kept.</summary>
internal static class SchedulerFactory
{
    /// <summary>
    /// The default profile; when some of its plugins are not registered yet (a branch without them), warns on stderr
    /// and falls back to the registered ones, so figures can be taken while the plugin set is incomplete.
    /// </summary>
    public static Scheduler Create(int parallelism, bool quiet = false)
    {
        var options = new SchedulerOptions(parallelism);
        try
        {
            return new Scheduler(BuiltInProfiles.Default, options: options);
        }
        catch (ProfileException e)
        {
            var registry = PluginRegistry.Default;
            var profile = BuiltInProfiles.Default with
            {
                Name = "default-fallback",
                Filters = [.. BuiltInProfiles.Default.Filters.Where(f => registry.Contains(f.Name))],
                Scores = [.. BuiltInProfiles.Default.Scores.Where(s => registry.Contains(s.Name))],
                PostFilters = [.. BuiltInProfiles.Default.PostFilters.Where(p => registry.Contains(p.Name))],
            };
            if (!quiet)
            {
                Console.Error.WriteLine($"warning: the default profile cannot be built ({e.Message}).");
                Console.Error.WriteLine($"warning: running the FALLBACK profile; figures are preliminary. Filters: "
                    + $"{string.Join(", ", profile.Filters.Select(f => f.Name))}; scores: {string.Join(", ", profile.Scores.Select(s => s.Name))}; "
                    + $"post-filters: {(profile.PostFilters.Count == 0 ? "none" : string.Join(", ", profile.PostFilters.Select(p => p.Name)))}.");
            }
            return new Scheduler(profile, options: options);
        }
    }
}
