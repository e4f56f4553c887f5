using Berth.Scheduling.Profiles;

namespace Berth.Scheduling.Plugins;

/// <summary>Arguments of <see cref="InterPodAffinity"/>, as Kubernetes' InterPodAffinityArgs.</summary>
/// <param name="HardPodAffinityWeight">
/// The score weight of an existing replica's required affinity term that the incoming replica matches (0-100; 0 turns it off).
/// </param>
/// <param name="IgnorePreferredTermsOfExistingPods">
/// When true, existing replicas' terms are left out of scoring unless the incoming replica has preferred terms of its own.
/// </param>
public sealed record InterPodAffinityArgs(int HardPodAffinityWeight = InterPodAffinityArgs.DefaultHardPodAffinityWeight, bool IgnorePreferredTermsOfExistingPods = false) : PluginArgs
{
    /// <summary>Kubernetes' default hardPodAffinityWeight.</summary>
    public const int DefaultHardPodAffinityWeight = 1;

    /// <summary>Kubernetes' defaults: hardPodAffinityWeight 1, existing replicas' preferred terms counted.</summary>
    public static readonly InterPodAffinityArgs Default = new();

    /// <summary>Checks the arguments; returns null when valid, else what is wrong with which argument.</summary>
    public string? Validate() =>
        HardPodAffinityWeight is < 0 or > 100
            ? $"hardPodAffinityWeight: {HardPodAffinityWeight} is out of range; use 0 to 100"
            : null;
}
