using System.Text.Json.Serialization;

namespace Berth.Bench;

/// <summary>The one JSON line a throughput or memory run prints last on stdout.</summary>
internal sealed record ThroughputResult(
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("nodes")] int Nodes,
    [property: JsonPropertyName("pods")] int Pods,
    [property: JsonPropertyName("placed")] int Placed,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("podsPerSecond")] double PodsPerSecond,
    [property: JsonPropertyName("p99Ms")] double P99Ms,
    [property: JsonPropertyName("managedMB")] double ManagedMB);
