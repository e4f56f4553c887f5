namespace Berth.Core.Specs;

/// <summary>The provider types a pool may name.</summary>
public static class FleetProviderTypes
{
    /// <summary>Starts real <c>berth agent</c> processes on this machine as the nodes.</summary>
    public const string Local = "local";

    /// <summary>Registers hollow nodes that run nothing, for large tests and benchmarks.</summary>
    public const string Simulated = "simulated";

    /// <summary>Every type this build can create clusters with.</summary>
    public static IReadOnlyList<string> All { get; } = [Local, Simulated];
}
