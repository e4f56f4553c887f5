namespace Berth.Server.State;

/// <summary>A node's reported status.</summary>
/// <param name="Ready">False once the node missed its heartbeat grace period.</param>
/// <param name="LastHeartbeat">When the agent last heartbeated; null before the first heartbeat.</param>
public sealed record NodeStatus(bool Ready, DateTimeOffset? LastHeartbeat);
