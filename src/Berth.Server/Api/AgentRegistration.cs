using Berth.Core.Resources;

namespace Berth.Server.Api;

/// <summary>The body of <c>POST /v1/agents/register</c>: the machine an agent offers.</summary>
/// <param name="Name">The node name (a DNS-1123 subdomain).</param>
/// <param name="Labels">The node's labels; may be empty.</param>
/// <param name="Allocatable">What replicas may use (cpu, memory, pods ...), quantities as strings (<c>"4"</c>, <c>"8Gi"</c>).</param>
public sealed record AgentRegistration(string Name, IReadOnlyDictionary<string, string> Labels, ResourceList Allocatable);
