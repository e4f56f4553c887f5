using Berth.Core.Fleet;
using Berth.Core.Specs;

namespace Berth.Scheduling.Fleet;

/// <summary>How much of a fleet cluster is used, and the cluster policy that governs it.</summary>
/// <param name="Cluster">The cluster.</param>
/// <param name="Utilization">Requested over allocatable (0–1) on its nodes, by the scarcer of cpu and memory.</param>
/// <param name="Policy">The cluster policy of the placement policy its workloads fall under (<see cref="ClusterPolicy.Default"/> for none).</param>
public sealed record ClusterLoad(FleetCluster Cluster, double Utilization, ClusterPolicy Policy);
