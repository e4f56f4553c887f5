namespace Berth.Server.Api;

/// <summary>One node of a <see cref="NodePage"/>: readiness, cordon and what its replicas hold against what it offers.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Ready">False once the node missed its heartbeat grace period.</param>
/// <param name="Cordoned">True when no new replica is placed on it.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="LastHeartbeat">The last heartbeat, when any.</param>
/// <param name="Replicas">Pending and Running replicas placed on it.</param>
/// <param name="Resources">CPU and memory, and GPUs when it has any: allocated against allocatable.</param>
public sealed record NodeSummary(
    string Name,
    bool Ready,
    bool Cordoned,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset? LastHeartbeat,
    int Replicas,
    IReadOnlyList<NodeResourceUse> Resources);
