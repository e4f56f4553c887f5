namespace Berth.Scheduling.Profiles;

/// <summary>
/// A named scheduling strategy: which filter, score (with weights) and post-filter plugins run, and how ties break.
/// A plugin's PreFilter runs when it is a filter, its PreScore when it is a score plugin.
/// </summary>
/// <param name="Seed">Seeds random choices, so any decision can be replayed.</param>
/// <param name="Binders">Reserve, Permit and bind-point plugins, in order (none by default: the caller commits the plan).</param>
/// <param name="PercentageOfNodesToScore">
/// Kubernetes' <c>percentageOfNodesToScore</c>: once this share of the nodes has been found feasible, filtering stops and
/// only those are scored (at least 100 nodes; see <see cref="Framework.FeasibleNodeSampling"/>). 0 = Kubernetes' adaptive
/// default (50% minus 1% per 125 nodes, at least 5%); 1 to 100 = that percentage; 100 (the default) = every node.
/// </param>
public sealed record SchedulingProfile(
    string Name,
    IReadOnlyList<PluginReference> Filters,
    IReadOnlyList<ScorePluginReference> Scores,
    IReadOnlyList<PluginReference> PostFilters,
    Tiebreak Tiebreak = Tiebreak.Random,
    int Seed = 0,
    IReadOnlyList<PluginReference>? Binders = null,
    int PercentageOfNodesToScore = 100);
