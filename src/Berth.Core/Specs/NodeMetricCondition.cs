namespace Berth.Core.Specs;

/// <summary>Holds for a node whose <paramref name="Metric"/> has stayed above <paramref name="Above"/> percent for <paramref name="For"/>.</summary>
/// <param name="Metric">Which share of the node: allocated CPU or memory (requests of the replicas placed on it over its allocatable).</param>
/// <param name="Above">The threshold, a percentage from 0 to 100; the share must be strictly above it.</param>
/// <param name="For">How long the share must stay above the threshold, without a pass that saw it at or below; zero: at once.</param>
public sealed record NodeMetricCondition(NodeMetric Metric, double Above, TimeSpan For);
