using Berth.Scheduling.Profiles;

namespace Berth.Server.Placement;

/// <summary>How <see cref="WorkloadPlacer"/> places replicas.</summary>
public sealed record PlacerOptions
{
    /// <summary>The scheduling profile every replica is scheduled with; <see cref="BuiltInProfiles.Default"/> unless configured.</summary>
    public SchedulingProfile Profile { get; init; } = BuiltInProfiles.Default;

    /// <summary>
    /// How many times one pass over a workload reads the state again and plans again after the applier (or a
    /// bookkeeping write) found the state moved; after that the pass gives up and reports it. Default 5.
    /// </summary>
    public int MaxStaleRetries { get; init; } = DefaultMaxStaleRetries;

    /// <summary>
    /// How many replicas are scheduled at once, each by its own scheduler on its own snapshot (Nomad's scheduler
    /// workers); the applier checks their plans against the latest state. Default: the processor count.
    /// </summary>
    public int Planners { get; init; } = Environment.ProcessorCount;

    /// <summary>The most compares or operations in one commit transaction (<see cref="Berth.Server.State.ApplierOptions.MaxOperationsPerTransaction"/>).</summary>
    public int MaxOperationsPerTransaction { get; init; } = Berth.Server.State.ApplierOptions.DefaultMaxOperationsPerTransaction;

    /// <summary>The default of <see cref="MaxStaleRetries"/>.</summary>
    public const int DefaultMaxStaleRetries = 5;

    /// <summary>Options with every default.</summary>
    public static PlacerOptions Default { get; } = new();
}
