using Berth.Core.Resources;

namespace Berth.Core.Specs;

/// <summary>
/// Limits on what one namespace's workloads may request together (the <c>Quota</c> kind): hard limits never exceeded,
/// and a soft limit that the namespace may pass, up to <see cref="BurstCeiling"/>, only while the cluster has idle
/// capacity. Limits name resources as requests do (<c>cpu</c>, <c>memory</c>, <c>ephemeral-storage</c>,
/// <c>nvidia.com/gpu</c>, any extended resource) plus <see cref="Replicas"/>, the number of replicas.
/// </summary>
/// <param name="Name"><c>metadata.name</c>, a DNS-1123 label.</param>
/// <param name="Namespace">The namespace whose workloads it limits.</param>
/// <param name="Hard">Totals the namespace's workloads may never pass; a workload that would is refused at apply.</param>
/// <param name="Soft">Totals the namespace is guaranteed; replicas above them are burst replicas.</param>
/// <param name="AllowBurst">True when the namespace may pass its soft limits (up to the burst ceiling) on idle capacity.</param>
/// <param name="MaxBurstPercent">How far above a soft limit bursting may go, in percent of the soft limit.</param>
public sealed record QuotaSpec(
    string Name,
    string Namespace,
    ResourceList Hard,
    ResourceList Soft,
    bool AllowBurst,
    int MaxBurstPercent)
{
    /// <summary>The name under which a quota limits the number of replicas (one per replica).</summary>
    public const string Replicas = "replicas";

    /// <summary><see cref="MaxBurstPercent"/> when a quota that allows bursting does not say: up to twice the soft limit.</summary>
    public const int DefaultMaxBurstPercent = 100;

    /// <summary><c>namespace/name</c>.</summary>
    public string Key => $"{Namespace}/{Name}";

    /// <summary>Every resource the quota limits (hard or soft), in name order.</summary>
    public IEnumerable<string> LimitedResources => Hard.Keys.Union(Soft.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>
    /// The most the namespace may use of a soft-limited resource: the soft limit × (1 + maxBurstPercent/100) when bursting
    /// is allowed, else the soft limit; never above the hard limit. Null when the resource has no soft limit.
    /// </summary>
    public decimal? BurstCeiling(string resource)
    {
        if (!Soft.TryGetValue(resource, out var soft))
        {
            return null;
        }
        decimal ceiling = AllowBurst ? soft.Amount * (100m + MaxBurstPercent) / 100m : soft.Amount;
        return Hard.TryGetValue(resource, out var hard) && hard.Amount < ceiling ? hard.Amount : ceiling;
    }
}
