namespace Berth.Agent.Supervision;

/// <summary>One process of a replica, as the workload spec gives it.</summary>
/// <param name="Name">The container's name.</param>
/// <param name="Command">The executable and its first arguments; run directly, no shell.</param>
/// <param name="Args">Arguments appended after <paramref name="Command"/>.</param>
/// <param name="Env">Environment variables added to the agent's own.</param>
/// <param name="WorkingDir">The working directory; null for the agent's.</param>
public sealed record ReplicaContainer(
    string Name,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    string? WorkingDir = null);
