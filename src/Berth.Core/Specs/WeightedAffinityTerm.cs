namespace Berth.Core.Specs;

/// <summary>A preferred affinity term with its weight (1-100).</summary>
public sealed record WeightedAffinityTerm(int Weight, ReplicaAffinityTerm Term);
