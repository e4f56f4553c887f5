namespace Berth.Server.Fleet;

/// <summary>One share of a fleet workload as decided: where, how many, at what cost, and the derived workload that runs it.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="Region">The pool's region.</param>
/// <param name="Cluster">The fleet cluster.</param>
/// <param name="NodeClass">The cluster's node class.</param>
/// <param name="Replicas">Replicas in the share.</param>
/// <param name="HourlyCost">Their cost per hour.</param>
/// <param name="Workload">The derived workload's name (<c>{workload}-{cluster}</c>, same namespace).</param>
public sealed record FleetDecisionShare(string Pool, string Region, string Cluster, string NodeClass, int Replicas, decimal HourlyCost, string Workload);
