using System.Text.Json.Serialization;

namespace Berth.Bench;

/// <summary>One control-plane run: apply through the REST API until every replica has an assignment in the store.</summary>
internal sealed record ControlPlaneResult(
    [property: JsonPropertyName("nodes")] int Nodes,
    [property: JsonPropertyName("workloads")] int Workloads,
    [property: JsonPropertyName("replicas")] int Replicas,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("replicasPerSecond")] double ReplicasPerSecond,
    [property: JsonPropertyName("applyMs")] double ApplyMs,
    [property: JsonPropertyName("storeTransactions")] double StoreTransactions,
    [property: JsonPropertyName("storeConflicts")] double StoreConflicts,
    [property: JsonPropertyName("loopPasses")] double LoopPasses,
    [property: JsonPropertyName("loopPassMs")] double LoopPassMs,
    [property: JsonPropertyName("schedulingCycles")] double SchedulingCycles,
    [property: JsonPropertyName("schedulingCycleMs")] double SchedulingCycleMs,
    [property: JsonPropertyName("stateReadMs")] double StateReadMs,
    [property: JsonPropertyName("commitMs")] double CommitMs);
