namespace Berth.Server.State;

/// <summary>
/// What the store holds at <c>/heartbeats/{node}</c>: when the node's agent last heartbeated. Kept apart from the node
/// record so that a beat does not move <c>/nodes/{node}</c>'s mod revision, which every plan compares.
/// </summary>
/// <param name="Time">When the last heartbeat (or the registration) was recorded, from the control plane's clock.</param>
/// <param name="LostAt">When the node was declared lost and its replicas released; null while it is not lost.</param>
public sealed record NodeHeartbeat(DateTimeOffset Time, DateTimeOffset? LostAt = null);
