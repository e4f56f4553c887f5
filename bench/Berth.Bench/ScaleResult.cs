using System.Text.Json.Serialization;

namespace Berth.Bench;

/// <summary>One <c>scale</c> run: apply W workloads of R replicas onto N simulated nodes until every replica is assigned and persisted.</summary>
/// <param name="Mode">Always <c>scale</c>.</param>
/// <param name="Store"><c>embedded</c> or <c>etcd</c>.</param>
/// <param name="NodeRegistration"><c>hollow</c> (gRPC hollow nodes in-process) or <c>direct</c> (through the server's NodeManager).</param>
/// <param name="Nodes">Simulated nodes.</param>
/// <param name="Workloads">Workloads applied.</param>
/// <param name="ReplicasPerWorkload">Replicas of each workload.</param>
/// <param name="Placed">Distinct assignment keys written in the store since the first apply.</param>
/// <param name="Complete">True when every replica was placed before the timeout.</param>
/// <param name="Seconds">From the first apply to the last placement seen (or to the timeout).</param>
/// <param name="PlacementsPerSecond"><see cref="Placed"/> / <see cref="Seconds"/>.</param>
/// <param name="ApplySeconds">From the first apply request until every apply request was answered; -1 when they were not all answered by the end.</param>
/// <param name="FirstPlacementSeconds">From the first apply to the first placement seen; -1 when none.</param>
/// <param name="NodesReadySeconds">From the server's start until every node was registered and Ready.</param>
/// <param name="StoreTxns">Write transactions the server committed in the measured window (heartbeats and status reports included).</param>
/// <param name="StoreConflicts">Write transactions whose compares failed in the window.</param>
/// <param name="Heartbeats">Hollow-node heartbeats the server answered in the window (0 with direct nodes).</param>
/// <param name="StatusReports">Hollow-node Running reports the server answered in the window.</param>
/// <param name="ServerCpuSeconds">CPU time of this process in the window: the server, and the in-process hollow nodes and apply client.</param>
/// <param name="ManagedMB">Peak managed heap of this process sampled in the window, in MiB.</param>
/// <param name="EtcdCpuSeconds">CPU time of the throwaway etcd in the window; 0 otherwise.</param>
/// <param name="EtcdVersion">The throwaway etcd's version line; empty otherwise.</param>
/// <param name="EtcdMaxTxnOps">The throwaway etcd's <c>--max-txn-ops</c>; 0 when no etcd was started.</param>
/// <param name="AllocatedMB">Managed memory this process allocated in the window, in MiB (divide by <see cref="Placed"/> for the cost of one placement).</param>
internal sealed record ScaleResult(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("store")] string Store,
    [property: JsonPropertyName("nodeRegistration")] string NodeRegistration,
    [property: JsonPropertyName("nodes")] int Nodes,
    [property: JsonPropertyName("workloads")] int Workloads,
    [property: JsonPropertyName("replicasPerWorkload")] int ReplicasPerWorkload,
    [property: JsonPropertyName("placed")] int Placed,
    [property: JsonPropertyName("complete")] bool Complete,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("placementsPerSecond")] double PlacementsPerSecond,
    [property: JsonPropertyName("applySeconds")] double ApplySeconds,
    [property: JsonPropertyName("firstPlacementSeconds")] double FirstPlacementSeconds,
    [property: JsonPropertyName("nodesReadySeconds")] double NodesReadySeconds,
    [property: JsonPropertyName("storeTxns")] double StoreTxns,
    [property: JsonPropertyName("storeConflicts")] double StoreConflicts,
    [property: JsonPropertyName("heartbeats")] long Heartbeats,
    [property: JsonPropertyName("statusReports")] long StatusReports,
    [property: JsonPropertyName("serverCpuSeconds")] double ServerCpuSeconds,
    [property: JsonPropertyName("managedMB")] double ManagedMB,
    [property: JsonPropertyName("etcdCpuSeconds")] double EtcdCpuSeconds,
    [property: JsonPropertyName("etcdVersion")] string EtcdVersion,
    [property: JsonPropertyName("etcdMaxTxnOps")] int EtcdMaxTxnOps,
    [property: JsonPropertyName("allocatedMB")] double AllocatedMB);
