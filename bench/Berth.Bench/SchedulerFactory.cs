using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;

namespace Berth.Bench;

/// <summary>Builds the scheduler the benchmarks run: the full default profile, PostFilters (preemption) kept.</summary>
internal static class SchedulerFactory
{
    /// <summary>The default profile with the given number of worker threads.</summary>
    public static Scheduler Create(int parallelism) =>
        new(BuiltInProfiles.Default, options: new SchedulerOptions(parallelism));

    /// <summary>The default profile with <see cref="SchedulingProfile.PercentageOfNodesToScore"/> set (0 = Kubernetes' adaptive default).</summary>
    public static Scheduler Create(int parallelism, int percentageOfNodesToScore) =>
        new(BuiltInProfiles.Default with { PercentageOfNodesToScore = percentageOfNodesToScore }, options: new SchedulerOptions(parallelism));
}
