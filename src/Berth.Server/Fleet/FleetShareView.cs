namespace Berth.Server.Fleet;

/// <summary>One share of a fleet workload with how many of its replicas run.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="Region">The pool's region.</param>
/// <param name="Cluster">The fleet cluster.</param>
/// <param name="NodeClass">The cluster's node class.</param>
/// <param name="Replicas">Replicas decided for the share.</param>
/// <param name="Running">Of those, how many report Running.</param>
/// <param name="HourlyCost">The share's cost per hour.</param>
/// <param name="Workload">The derived workload that runs the share.</param>
public sealed record FleetShareView(string Pool, string Region, string Cluster, string NodeClass, int Replicas, int Running, decimal HourlyCost, string Workload);
