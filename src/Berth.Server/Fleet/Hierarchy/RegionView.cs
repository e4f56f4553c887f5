namespace Berth.Server.Fleet.Hierarchy;

/// <summary>One child region control plane in <c>GET /v1/fleet/regions</c>.</summary>
/// <param name="Region">The child's region.</param>
/// <param name="Address">Its REST address.</param>
/// <param name="Status"><c>Connected</c>, or <c>Disconnected</c> once silent for longer than the parent allows.</param>
/// <param name="Pools">The names of the pools it owns.</param>
/// <param name="NodeClasses">The names of its node classes.</param>
/// <param name="RegisteredAt">When it first reported.</param>
/// <param name="LastSeen">When its last report came.</param>
public sealed record RegionView(
    string Region,
    string Address,
    string Status,
    IReadOnlyList<string> Pools,
    IReadOnlyList<string> NodeClasses,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastSeen);
