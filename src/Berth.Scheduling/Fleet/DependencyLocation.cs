namespace Berth.Scheduling.Fleet;

/// <summary>Where replicas of a workload the planned one depends on run: one entry per cluster that holds some.</summary>
/// <param name="Workload">The dependency's name (as in the workload's <c>dependencies</c> and <c>placement.latency</c>).</param>
/// <param name="Pool">The pool of the cluster.</param>
/// <param name="Cluster">The fleet cluster (or, for a workload not placed by the fleet, the node's cluster label; empty when none).</param>
/// <param name="Region">The region.</param>
/// <param name="Zone">The zone, when known; null otherwise.</param>
public sealed record DependencyLocation(string Workload, string Pool, string Cluster, string Region, string? Zone);
