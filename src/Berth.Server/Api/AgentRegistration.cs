using Berth.Core.Resources;

namespace Berth.Server.Api;

/// <summary>What an agent registers (<see cref="Agents.AgentOperations.RegisterAsync"/>): the machine it offers.</summary>
/// <param name="Name">The node name (a DNS-1123 subdomain).</param>
/// <param name="Labels">The node's labels; may be empty.</param>
/// <param name="Allocatable">What replicas may use (cpu, memory, pods ...), quantities as strings (<c>"4"</c>, <c>"8Gi"</c>).</param>
public sealed record AgentRegistration(string Name, IReadOnlyDictionary<string, string> Labels, ResourceList Allocatable);
