namespace Berth.Core.Specs;

/// <summary>
/// Gang scheduling for a workload (<c>gang: {minAvailable: 4, timeoutSeconds: 60}</c>): its first
/// <see cref="MinAvailable"/> replicas are placed together or not at all; replicas beyond that are placed one by one, as
/// any other replica, once the gang stands.
/// </summary>
/// <param name="MinAvailable">How many replicas must be placed together, 1 or more (and at most the workload's replicas).</param>
/// <param name="TimeoutSeconds">
/// How long, in seconds, a gang may hold part of its replicas (fewer than <paramref name="MinAvailable"/> placed) before
/// the control plane releases them all, so the room returns; more than 0.
/// </param>
public sealed record GangPolicy(int MinAvailable, int TimeoutSeconds)
{
    /// <summary>The timeout when a manifest gives none: 60 s.</summary>
    public const int DefaultTimeoutSeconds = 60;

    /// <summary>How many replicas must be placed together.</summary>
    public int MinAvailable { get; } = MinAvailable >= 1 ? MinAvailable : throw new ArgumentOutOfRangeException(nameof(MinAvailable), MinAvailable, "must be 1 or more");

    /// <summary>How long a partial gang may hold its replicas, in seconds.</summary>
    public int TimeoutSeconds { get; } = TimeoutSeconds >= 1 ? TimeoutSeconds : throw new ArgumentOutOfRangeException(nameof(TimeoutSeconds), TimeoutSeconds, "must be more than 0");

    /// <summary><see cref="TimeoutSeconds"/> as a duration.</summary>
    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}
