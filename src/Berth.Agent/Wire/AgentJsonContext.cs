using System.Text.Json.Serialization;

namespace Berth.Agent.Wire;

/// <summary>Source-generated JSON of the agent API, camelCase as the server writes it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified)]
[JsonSerializable(typeof(WireRegistration))]
[JsonSerializable(typeof(WireAssignments))]
[JsonSerializable(typeof(WireStatusReport))]
[JsonSerializable(typeof(WireStatusResponse))]
[JsonSerializable(typeof(WireError))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
