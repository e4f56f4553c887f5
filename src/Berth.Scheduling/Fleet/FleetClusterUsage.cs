using Berth.Core.Fleet;

namespace Berth.Scheduling.Fleet;

/// <summary>A fleet cluster with what the replicas already on it request (the planned workload's own replicas left out).</summary>
/// <param name="Cluster">The cluster.</param>
/// <param name="UsedCores">Cores requested by the replicas on its nodes.</param>
/// <param name="UsedMemoryGi">Memory, in GiB, requested by the replicas on its nodes.</param>
public sealed record FleetClusterUsage(FleetCluster Cluster, double UsedCores, double UsedMemoryGi);
