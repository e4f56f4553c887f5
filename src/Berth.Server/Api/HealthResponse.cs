using System.Text.Json.Serialization;

namespace Berth.Server.Api;

/// <summary>The answer to <c>/healthz</c> and <c>/readyz</c>.</summary>
/// <param name="Status"><c>ok</c>, or what is not ready.</param>
public sealed record HealthResponse(string Status)
{
    /// <summary>On <c>/readyz</c>: this server's role, <c>leader</c> or <c>follower</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; init; }

    /// <summary>On <c>/readyz</c>: the id of the server that leads, once one does.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Leader { get; init; }
}
