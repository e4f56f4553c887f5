using System.Text.Json.Serialization;
using Berth.Server.Api;

namespace Berth.Server.Security;

/// <summary>Source-generated metadata for the security records: stored bootstrap tokens, and the join and token API.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(BootstrapTokenRecord))]
[JsonSerializable(typeof(BootstrapTokenRequest))]
[JsonSerializable(typeof(BootstrapTokenCreated))]
[JsonSerializable(typeof(NodeJoinRequest))]
[JsonSerializable(typeof(NodeCertificateRequest))]
[JsonSerializable(typeof(NodeCertificateIssued))]
[JsonSerializable(typeof(ApiError))]
internal sealed partial class SecurityJsonContext : JsonSerializerContext;
