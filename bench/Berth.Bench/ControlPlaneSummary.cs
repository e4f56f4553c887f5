using System.Text.Json.Serialization;

namespace Berth.Bench;

/// <summary>The one JSON line a control-plane benchmark prints last on stdout: median, min and max over the runs, and every run.</summary>
internal sealed record ControlPlaneSummary(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("apply")] string Apply,
    [property: JsonPropertyName("nodes")] int Nodes,
    [property: JsonPropertyName("replicas")] int Replicas,
    [property: JsonPropertyName("medianReplicasPerSecond")] double MedianReplicasPerSecond,
    [property: JsonPropertyName("minReplicasPerSecond")] double MinReplicasPerSecond,
    [property: JsonPropertyName("maxReplicasPerSecond")] double MaxReplicasPerSecond,
    [property: JsonPropertyName("medianStoreTransactions")] double MedianStoreTransactions,
    [property: JsonPropertyName("runs")] IReadOnlyList<ControlPlaneResult> Runs);
