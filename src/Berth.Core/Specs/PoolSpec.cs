namespace Berth.Core.Specs;

/// <summary>
/// A capacity pool: where clusters may be created (a region and a provider), how large they may grow in total, what
/// they may cost, and the labels fleet placement matches (the fleet design's <c>LatticePool</c>).
/// </summary>
/// <param name="Name">The pool's name (a DNS-1123 label), cluster-wide.</param>
/// <param name="Region">The region its clusters are in; the pool's name when the manifest gives none.</param>
/// <param name="Provider">Which provider creates its clusters and nodes, with that provider's settings.</param>
/// <param name="Capacity">Limits on the nodes, cores and memory of all its clusters together.</param>
/// <param name="Budget">Its monthly budget; null for no limit.</param>
/// <param name="NodeClasses">The node classes its clusters may be built from, in order of preference.</param>
/// <param name="Labels">Plain labels matched by workloads' <c>placement.pools</c> selector (e.g. <c>tier</c>, <c>network</c>).</param>
/// <param name="Compliance">The compliance regimes it meets (<c>labels.compliance</c> in a manifest, e.g. soc2, gdpr).</param>
public sealed record PoolSpec(
    string Name,
    string Region,
    PoolProvider Provider,
    PoolCapacity Capacity,
    PoolBudget? Budget,
    IReadOnlyList<string> NodeClasses,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Compliance);
