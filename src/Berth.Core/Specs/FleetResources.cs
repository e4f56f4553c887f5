namespace Berth.Core.Specs;

/// <summary>What one replica of a fleet workload needs, in the fleet design's units.</summary>
/// <param name="Cores">CPU cores (fractions allowed).</param>
/// <param name="MemoryGi">Memory in GiB (fractions allowed).</param>
public sealed record FleetResources(double Cores, double MemoryGi);
