using System.Text.Json.Serialization;

namespace Berth.Agent.Wire;

/// <summary>Source-generated JSON of the REST calls the agent makes (<c>GET /v1/info</c>, and the node join and certificate renewal), camelCase as the server writes it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WireServerInfo))]
[JsonSerializable(typeof(WireError))]
[JsonSerializable(typeof(WireNodeJoin))]
[JsonSerializable(typeof(WireCertificateRequest))]
[JsonSerializable(typeof(WireNodeCertificate))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
