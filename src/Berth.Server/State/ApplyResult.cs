namespace Berth.Server.State;

/// <summary>The answer of <see cref="AssignmentApplier.ApplyAsync"/>.</summary>
/// <param name="Outcome">Applied or Stale.</param>
/// <param name="Revision">When applied, the revision that committed the plan; when stale, the store revision seen.</param>
/// <param name="Reason">Why stale; <see cref="StaleReason.None"/> when applied.</param>
/// <param name="Message">What moved, for logs and events; empty when applied.</param>
public sealed record ApplyResult(ApplyOutcome Outcome, long Revision, StaleReason Reason, string Message)
{
    /// <summary>True when the plan was committed.</summary>
    public bool IsApplied => Outcome == ApplyOutcome.Applied;

    /// <summary>When applied, the planned replicas that were not committed (they no longer fit, or their state moved): plan them again.</summary>
    public IReadOnlyList<int> Rejected { get; init; } = [];

    internal static ApplyResult Stale(long revision, StaleReason reason, string message) => new(ApplyOutcome.Stale, revision, reason, message);
}
