namespace Berth.Server.Api;

/// <summary>A namespace's use of one resource a quota limits, with the limits, as quantities in Kubernetes notation.</summary>
/// <param name="Resource">The resource (<c>replicas</c> for the replica count).</param>
/// <param name="Used">What the namespace's workloads request together now.</param>
/// <param name="Hard">The hard limit; null when only a soft limit is given.</param>
/// <param name="Soft">The soft limit; null when only a hard limit is given.</param>
/// <param name="BurstCeiling">The most the namespace may use with bursting; null without a soft limit.</param>
public sealed record QuotaResourceView(string Resource, string Used, string? Hard, string? Soft, string? BurstCeiling);
