namespace Berth.Server.Retries;

/// <summary>What one <see cref="RetryEngine.ReportExitAsync"/> call did.</summary>
/// <param name="Outcome">The decision.</param>
/// <param name="Attempts">Failed attempts counted so far (<see cref="State.RetryState.Attempts"/>); 0 when none was counted.</param>
/// <param name="Delay">The backoff before the next attempt, when <see cref="ExitOutcome.RetryScheduled"/>.</param>
/// <param name="NextAttemptAt">When the next attempt is due, when <see cref="ExitOutcome.RetryScheduled"/>.</param>
public sealed record ExitResult(ExitOutcome Outcome, int Attempts, TimeSpan? Delay, DateTimeOffset? NextAttemptAt)
{
    /// <summary>A result that wrote nothing.</summary>
    public static ExitResult Nothing(ExitOutcome outcome) => new(outcome, 0, null, null);
}
