namespace Berth.Core.Specs;

/// <summary>Replicas spread over the values of a pool topology key so that no two differ by more than <paramref name="MaxSkew"/>.</summary>
/// <param name="TopologyKey">The key spread over: <c>region</c>, <c>pool</c> or <c>cluster</c>.</param>
/// <param name="MaxSkew">The largest allowed difference in replica count between two values (at least 1).</param>
public sealed record FleetSpreadConstraint(string TopologyKey, int MaxSkew);
