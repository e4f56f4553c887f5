namespace Berth.Core.Specs;

/// <summary>
/// The bounds a fleet workload's replica count may move between (<c>replicas: {min: 3, max: 10}</c>); the workload
/// starts with <see cref="Min"/> replicas.
/// </summary>
/// <param name="Min">The fewest replicas, zero or more.</param>
/// <param name="Max">The most replicas, at least <paramref name="Min"/>.</param>
public sealed record ReplicaRange(int Min, int Max)
{
    /// <summary>The fewest replicas.</summary>
    public int Min { get; } = Min >= 0 ? Min : throw new ArgumentOutOfRangeException(nameof(Min), Min, "must be zero or more");

    /// <summary>The most replicas.</summary>
    public int Max { get; } = Max >= Min ? Max : throw new ArgumentOutOfRangeException(nameof(Max), Max, "must be at least min");
}
