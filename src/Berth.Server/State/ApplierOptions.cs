using Berth.Scheduling.Profiles;

namespace Berth.Server.State;

/// <summary>How <see cref="AssignmentApplier"/> checks and commits plans.</summary>
public sealed record ApplierOptions
{
    /// <summary>The profile whose filters a planned placement must still pass on the latest state; the placer's profile.</summary>
    public SchedulingProfile Profile { get; init; } = BuiltInProfiles.Default;

    /// <summary>
    /// The most compares, or operations, one commit transaction may hold. Default 128: etcd's own default limit
    /// (<c>--max-txn-ops</c>); a batch larger than this is committed in several transactions, each leaving room for
    /// the leadership fence's compare.
    /// </summary>
    public int MaxOperationsPerTransaction { get; init; } = DefaultMaxOperationsPerTransaction;

    /// <summary>The most plans checked and committed together (group commit). Default 256.</summary>
    public int MaxPlansPerBatch { get; init; } = 256;

    /// <summary>The default of <see cref="MaxOperationsPerTransaction"/>: etcd's default <c>--max-txn-ops</c>.</summary>
    public const int DefaultMaxOperationsPerTransaction = 128;

    /// <summary>Options with every default.</summary>
    public static ApplierOptions Default { get; } = new();
}
