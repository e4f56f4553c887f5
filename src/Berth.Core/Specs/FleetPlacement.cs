using Berth.Core.Labels;

namespace Berth.Core.Specs;

/// <summary>
/// A workload's fleet placement: where it may and must run. A workload with one is placed by pools and clusters first
/// (Berth creates clusters as needed), then on nodes by the scheduling pipeline.
/// </summary>
/// <param name="Pools">Which pools it may run in, by their labels; null for any pool.</param>
/// <param name="RequiredRegions">Regions that must each hold at least one replica.</param>
/// <param name="Compliance">Regimes every pool it runs in must meet.</param>
/// <param name="Resources">What one replica needs, for bin packing pools and clusters; null to use its containers' requests.</param>
/// <param name="Latency">Dependency name → the most latency allowed to it, in milliseconds.</param>
public sealed record FleetPlacement(
    LabelSelector? Pools,
    IReadOnlyList<string> RequiredRegions,
    IReadOnlyList<string> Compliance,
    FleetResources? Resources,
    IReadOnlyDictionary<string, int> Latency);
