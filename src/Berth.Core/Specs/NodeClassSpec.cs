namespace Berth.Core.Specs;

/// <summary>A machine shape that pools build clusters from, with its cost per provider (the fleet design's <c>LatticeNodeClass</c>).</summary>
/// <param name="Name">The class's name (a DNS-1123 label), cluster-wide.</param>
/// <param name="Resources">What one node of the class offers to the scheduler.</param>
/// <param name="Providers">Provider type → that provider's settings for the class (e.g. aws → instanceType).</param>
/// <param name="CostPerHour">Provider type → the cost of one node per hour, in the pool's budget currency.</param>
public sealed record NodeClassSpec(
    string Name,
    NodeClassResources Resources,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Providers,
    IReadOnlyDictionary<string, decimal> CostPerHour)
{
    /// <summary>The hourly cost of one node under <paramref name="providerType"/>; 0 when the class gives none for it.</summary>
    public decimal HourlyCost(string providerType) => CostPerHour.TryGetValue(providerType, out var cost) ? cost : 0m;
}
