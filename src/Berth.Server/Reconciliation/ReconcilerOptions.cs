namespace Berth.Server.Reconciliation;

/// <summary>How the <see cref="Reconciler"/> and its worker pool run (DESIGN.md, "Failure model"). Config section <c>Reconciler</c>.</summary>
public sealed record ReconcilerOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Reconciler";

    /// <summary>
    /// <c>Reconciler:Interval</c>: how often every workload is reconciled even when no change was seen. Default 5 s: the
    /// store watch makes most reconciles event-driven; the sweep catches what no write announces (deadlines, backoffs ending).
    /// </summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>Reconciler:Workers</c>: how many workloads are reconciled at once. Default 16: a reconcile mostly waits on the
    /// store, and the applier commits the plans of concurrent reconciles together (group commit); CPU-bound scheduling
    /// is bounded separately by the placer's planners.
    /// </summary>
    public int Workers { get; init; } = 16;

    /// <summary>
    /// <c>Reconciler:PendingTimeout</c>: how long an assignment may stay Pending on a Ready node before it is released and
    /// placed again. Default 60 s: an agent polls every second and starts a process in milliseconds, so a minute means the
    /// start was lost, not slow.
    /// </summary>
    public TimeSpan PendingTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>Reconciler:MissingGrace</c>: how long an assignment may be Running on a Ready node whose agent's inventory does
    /// not hold it before it is released and placed again (Running/Missing). Default 15 s: agents beat every 2 s, so this
    /// is several inventories that all lack the replica plus a margin for a start that raced a heartbeat.
    /// </summary>
    public TimeSpan MissingGrace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary><c>Reconciler:RecordsPerWorkload</c>: how many reconciliation records are kept per workload; older ones are deleted with each new one. Default 20.</summary>
    public int RecordsPerWorkload { get; init; } = 20;

    /// <summary><c>Reconciler:BackoffInitial</c>: how long a workload waits after an action that failed or changed nothing. Default 1 s; it doubles on each such pass.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>Reconciler:BackoffMax</c>: the cap of the doubling backoff. Default 60 s, so a workload that cannot be placed is retried once a minute.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws when a value is out of range; the message names the config key.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        Positive(nameof(Interval), Interval);
        Positive(nameof(PendingTimeout), PendingTimeout);
        Positive(nameof(MissingGrace), MissingGrace);
        Positive(nameof(BackoffInitial), BackoffInitial);
        if (BackoffMax < BackoffInitial)
        {
            throw new ArgumentException(ReconcilerMessages.BackoffMaxBelowInitial(SectionName + ":" + nameof(BackoffMax), BackoffMax, BackoffInitial));
        }
        if (Workers < 1)
        {
            throw new ArgumentException(ReconcilerMessages.AtLeastOne(SectionName + ":" + nameof(Workers), Workers));
        }
        if (RecordsPerWorkload < 1)
        {
            throw new ArgumentException(ReconcilerMessages.AtLeastOne(SectionName + ":" + nameof(RecordsPerWorkload), RecordsPerWorkload));
        }
    }

    private static void Positive(string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException(ReconcilerMessages.NotPositive(SectionName + ":" + name, value));
        }
    }
}
