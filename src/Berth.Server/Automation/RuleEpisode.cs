namespace Berth.Server.Automation;

/// <summary>
/// What the store holds at <c>/automation/episodes/{rule}/{subject}</c>: where a rule stands for one subject. Written only
/// when that changes (the condition starts to hold, fires, clears), in the transaction that fires the actions, so a new
/// leader sees a firing episode and does not fire it again.
/// </summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Subject">The node, pool or workload (<c>namespace/name</c>) the condition is evaluated for.</param>
/// <param name="State">Pending, Firing or Cleared.</param>
/// <param name="Episodes">How many episodes have fired for this subject, the current one included when Firing.</param>
/// <param name="Since">When the condition last started to hold (Pending, Firing) or when it cleared (Cleared).</param>
/// <param name="FiredAt">When the last episode fired; null before the first.</param>
/// <param name="Summary">What the condition saw when the state last changed, for people.</param>
public sealed record RuleEpisode(string Rule, string Subject, RuleEpisodeState State, int Episodes, DateTimeOffset Since, DateTimeOffset? FiredAt, string Summary)
{
    /// <summary>The id of the last fired episode, <c>{rule}/{subject}/{number}</c>; null before the first.</summary>
    public string? EpisodeId => Episodes == 0 ? null : $"{Rule}/{Subject}/{Episodes}";
}
