namespace Berth.Server.Automation;

/// <summary>How the leader runs automation rules and sends their webhooks. Config section <c>Rules</c>.</summary>
public sealed record RuleEngineOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Rules";

    /// <summary>
    /// <c>Rules:Interval</c>: how often the leader evaluates every rule. Default 10 s: conditions hold for minutes, so a
    /// firing is at most this late, and a pass reads the nodes, the events of the longest window and the pools.
    /// </summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Rules:RetryBase</c>: the wait after a webhook's first failed attempt; it doubles after each (jittered, half to all of it). Default 2 s.</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>Rules:RetryMax</c>: the longest wait between two attempts of one delivery. Default 5 min.</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>Rules:MaxConcurrentDeliveries</c>: webhook calls in flight at once, so one slow receiver does not hold up the others. Default 4.</summary>
    public int MaxConcurrentDeliveries { get; init; } = 4;

    /// <summary><c>Rules:DeliveriesKept</c>: finished deliveries kept for <c>berth get webhookdeliveries</c>; older ones are removed. Default 1000.</summary>
    public int DeliveriesKept { get; init; } = 1000;

    /// <summary>Throws when a value is out of range; the message names the config key.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        Positive(nameof(Interval), Interval);
        Positive(nameof(RetryBase), RetryBase);
        Positive(nameof(RetryMax), RetryMax);
        if (RetryMax < RetryBase)
        {
            throw new ArgumentException(AutomationMessages.RetryMaxBelowBase(SectionName, RetryMax, RetryBase));
        }
        if (MaxConcurrentDeliveries < 1)
        {
            throw new ArgumentException(AutomationMessages.AtLeastOne(SectionName + ":" + nameof(MaxConcurrentDeliveries), MaxConcurrentDeliveries));
        }
        if (DeliveriesKept < 1)
        {
            throw new ArgumentException(AutomationMessages.AtLeastOne(SectionName + ":" + nameof(DeliveriesKept), DeliveriesKept));
        }
    }

    /// <summary>The wait before attempt <paramref name="nextAttempt"/> (2 or more): <see cref="RetryBase"/> doubled per failed attempt, capped at <see cref="RetryMax"/>, then jittered to between half and all of it with <paramref name="random"/> (0 to 1).</summary>
    public TimeSpan Backoff(int nextAttempt, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nextAttempt, 2);
        double ticks = RetryBase.Ticks * Math.Pow(2, Math.Min(nextAttempt - 2, 30));
        double capped = Math.Min(ticks, RetryMax.Ticks);
        // Half fixed, half random ("equal jitter"): receivers coming back from an outage do not see every sender at once,
        // and no wait is shorter than half the schedule.
        return TimeSpan.FromTicks((long)(capped / 2 + capped / 2 * Math.Clamp(random, 0, 1)));
    }

    private static void Positive(string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException(AutomationMessages.NotPositive(SectionName + ":" + name, value));
        }
    }
}
