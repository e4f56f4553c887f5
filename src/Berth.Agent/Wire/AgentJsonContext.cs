using System.Text.Json.Serialization;

namespace Berth.Agent.Wire;

/// <summary>Source-generated JSON of the REST calls the agent makes (only <c>GET /v1/info</c>), camelCase as the server writes it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WireServerInfo))]
[JsonSerializable(typeof(WireError))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
