namespace Berth.Core.Specs;

/// <summary>The provider that creates a pool's clusters and nodes, and its settings (e.g. a cloud region).</summary>
/// <param name="Type">The provider type: <c>local</c> or <c>simulated</c> (<see cref="FleetProviderTypes"/>).</param>
/// <param name="Settings">Provider-specific settings as flat dotted keys (e.g. <c>region</c>, <c>credentials.secretRef</c>).</param>
public sealed record PoolProvider(string Type, IReadOnlyDictionary<string, string> Settings);
