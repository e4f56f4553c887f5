namespace Berth.Core.Specs;

/// <summary>Required and preferred terms of Kubernetes' podAffinity or podAntiAffinity.</summary>
public sealed record ReplicaAffinity(IReadOnlyList<ReplicaAffinityTerm> Required, IReadOnlyList<WeightedAffinityTerm> Preferred)
{
    /// <summary>No terms.</summary>
    public static readonly ReplicaAffinity None = new([], []);

    /// <summary>True when there are no terms.</summary>
    public bool IsEmpty => Required.Count == 0 && Preferred.Count == 0;
}
