using Berth.Core.Specs;
using Berth.Server.State;

namespace Berth.Server.Api;

/// <summary>A stored node.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Revision">The node key's mod revision.</param>
/// <param name="Spec">The node's spec.</param>
/// <param name="Status">Readiness and last heartbeat as recorded in the node record.</param>
/// <param name="LastHeartbeat">The last heartbeat at <c>/heartbeats/{node}</c>, when any.</param>
public sealed record NodeView(string Name, long Revision, NodeSpec Spec, NodeStatus Status, DateTimeOffset? LastHeartbeat);
