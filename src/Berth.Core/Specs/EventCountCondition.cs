namespace Berth.Core.Specs;

/// <summary>Holds for a subject with at least <paramref name="Count"/> events of <paramref name="Types"/> about it within the last <paramref name="Within"/>.</summary>
/// <param name="Types">The event types counted (names of the server's event types, e.g. RetryTriggered).</param>
/// <param name="Count">How many events make the condition hold, 1 or more.</param>
/// <param name="Within">The window, ending now, the events must fall in.</param>
/// <param name="Per">Whose events are counted together: a workload's (its replicas' events count for it) or a node's.</param>
public sealed record EventCountCondition(IReadOnlyList<string> Types, int Count, TimeSpan Within, RuleSubjectKind Per);
