using Berth.Core.Specs;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>
/// What a region control plane tells its parent on every report (<c>POST /v1/fleet/regions</c>): who it is, where its
/// API answers, and the pools and node classes it owns.
/// </summary>
/// <param name="Region">The child's region (its <c>--region</c>).</param>
/// <param name="Address">The child's REST address, where the parent delegates placements.</param>
/// <param name="Pools">The pools applied on the child.</param>
/// <param name="NodeClasses">The node classes applied on the child.</param>
public sealed record RegionReport(
    string Region,
    string Address,
    IReadOnlyList<PoolSpec> Pools,
    IReadOnlyList<NodeClassSpec> NodeClasses);
