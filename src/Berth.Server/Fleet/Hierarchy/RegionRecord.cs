using Berth.Core.Specs;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>
/// A child region control plane as its parent stores it at <c>/fleet/regions/{region}</c>: the last report and when
/// it came.
/// </summary>
/// <param name="Region">The child's region.</param>
/// <param name="Address">The child's REST address.</param>
/// <param name="Pools">The pools it owns, as last reported.</param>
/// <param name="NodeClasses">The node classes it owns, as last reported.</param>
/// <param name="RegisteredAt">When it first reported.</param>
/// <param name="LastSeen">When its last report came.</param>
/// <param name="Connected">False once it stayed silent for <see cref="RegionLinkOptions.DisconnectedAfter"/>; true again at its next report.</param>
public sealed record RegionRecord(
    string Region,
    string Address,
    IReadOnlyList<PoolSpec> Pools,
    IReadOnlyList<NodeClassSpec> NodeClasses,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastSeen,
    bool Connected);
