namespace Berth.Server.Retries;

/// <summary>How the <see cref="RetryEngine"/> runs (DESIGN.md, "Failure model"). Config section <c>Retries</c>. The backoff itself is <see cref="Core.Specs.RetryPolicy"/>'s, per workload.</summary>
public sealed record RetryEngineOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Retries";

    /// <summary>
    /// <c>Retries:DueInterval</c>: how often the server calls <see cref="RetryEngine.DueAsync"/>. Default 1 s: a retry
    /// starts at most 1 s after its backoff ends, small against the shortest backoff (5 s).
    /// </summary>
    public TimeSpan DueInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>Retries:MaxAttempts</c>: how often one operation re-reads and retries after a concurrent write made its
    /// transaction's compares fail, before giving up. Default 5. (Not the replica's attempts: those are the workload's <see cref="Core.Specs.WorkloadSpec.Retry"/>.)
    /// </summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Throws when a value is out of range; the message names the config key.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (DueInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException(RetryMessages.NotPositive(SectionName + ":" + nameof(DueInterval), DueInterval));
        }
        if (MaxAttempts < 1)
        {
            throw new ArgumentException(RetryMessages.AttemptsOutOfRange(SectionName + ":" + nameof(MaxAttempts), MaxAttempts));
        }
    }
}
