using Berth.Core.Specs;

namespace Berth.Server.State;

/// <summary>
/// One change to what holds room in the cluster, in the order <see cref="ClusterCache"/> learnt it: an assignment
/// placed on a node (or moved), or taken off it. Snapshot mirrors replay these to stay in step without a re-read.
/// </summary>
/// <param name="Key">The assignment key.</param>
/// <param name="Workload">The workload the replica belongs to.</param>
/// <param name="Replica">The replica index.</param>
/// <param name="Node">The node it now holds room on; null when it holds none any more.</param>
/// <param name="Devices">GPU devices it holds.</param>
/// <param name="Spec">The workload's spec and mod revision, to compile the replica; null when the cache has not seen the workload.</param>
internal readonly record struct CacheDelta(
    string Key,
    WorkloadKey Workload,
    int Replica,
    string? Node,
    IReadOnlyList<int> Devices,
    Stored<WorkloadSpec>? Spec);
