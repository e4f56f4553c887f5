namespace Berth.Core.Specs;

/// <summary>
/// How often a failing replica is started again, and how long to wait between starts: exponential backoff from
/// <see cref="InitialDelay"/> (5 s), doubling each time, capped at <see cref="MaxDelay"/> (120 s).
/// </summary>
/// <param name="MaxAttempts">The most starts of a replica's processes, counting the first one (1 to 100); after the last
/// failure the replica is marked failed.</param>
public sealed record RetryPolicy(int MaxAttempts)
{
    /// <summary>The fewest attempts: one start and no retry.</summary>
    public const int MinAttempts = 1;

    /// <summary>The most attempts a manifest may ask for.</summary>
    public const int MaxAllowedAttempts = 100;

    /// <summary>Attempts when a manifest gives no <c>retry</c>.</summary>
    public const int DefaultMaxAttempts = 5;

    /// <summary>The wait before the first retry.</summary>
    public static readonly TimeSpan InitialDelay = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts, however many have failed.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(120);

    /// <summary>The policy used when a manifest gives none: 5 attempts.</summary>
    public static readonly RetryPolicy Default = new(DefaultMaxAttempts);

    /// <summary>The most starts of a replica's processes, counting the first one.</summary>
    public int MaxAttempts { get; } = MaxAttempts is >= MinAttempts and <= MaxAllowedAttempts
        ? MaxAttempts
        : throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, $"use {MinAttempts} to {MaxAllowedAttempts}");

    /// <summary>
    /// The wait before retry number <paramref name="attempt"/> (1 = the first retry, i.e. the second start), as a duration:
    /// 5 s, 10 s, 20 s, 40 s, 80 s, then 120 s for every later retry.
    /// </summary>
    /// <param name="attempt">The retry's number, from 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is less than 1.</exception>
    public static TimeSpan DelayBefore(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        // Double step by step rather than shifting by attempt - 1, which would overflow for large attempt numbers;
        // the cap is reached after five doublings, so the loop is short.
        var delay = InitialDelay;
        for (int i = 1; i < attempt && delay < MaxDelay; i++)
        {
            delay *= 2;
        }
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
