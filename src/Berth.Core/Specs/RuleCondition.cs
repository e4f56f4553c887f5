namespace Berth.Core.Specs;

/// <summary>A rule's condition: exactly one of the three kinds is set.</summary>
/// <param name="NodeMetric">A node's allocated CPU or memory share above a threshold for a time.</param>
/// <param name="Events">Enough matching events about one workload or node within a window.</param>
/// <param name="PoolBudget">A pool's projected cost past its budget's alert threshold.</param>
public sealed record RuleCondition(NodeMetricCondition? NodeMetric = null, EventCountCondition? Events = null, PoolBudgetCondition? PoolBudget = null)
{
    /// <summary>What the condition is evaluated for: nodes, workloads or pools.</summary>
    public RuleSubjectKind SubjectKind => NodeMetric is not null ? RuleSubjectKind.Node
        : Events is not null ? Events.Per
        : RuleSubjectKind.Pool;
}
