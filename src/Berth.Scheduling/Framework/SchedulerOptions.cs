namespace Berth.Scheduling.Framework;

/// <summary>How a scheduler spends the machine.</summary>
/// <param name="Parallelism">Worker threads for filtering and scoring; default: the processor count.</param>
/// <param name="MinNodesPerWorker">Below this many nodes per worker a cycle stays on one thread, where hand-off would cost more than it saves.</param>
public sealed record SchedulerOptions(int Parallelism, int MinNodesPerWorker = 1024)
{
    /// <summary>One worker per processor.</summary>
    public static SchedulerOptions Default { get; } = new(Environment.ProcessorCount);
}
