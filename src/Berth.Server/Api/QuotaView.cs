using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Quotas;

namespace Berth.Server.Api;

/// <summary>One quota with its namespace's use against each limit (<c>GET /v1/quotas</c>, <c>berth get quotas</c>).</summary>
/// <param name="Namespace">The namespace it limits.</param>
/// <param name="Name">The quota's name.</param>
/// <param name="Resources">One line per limited resource, in name order.</param>
/// <param name="AllowBurst">Whether the namespace may pass its soft limits on idle capacity.</param>
/// <param name="MaxBurstPercent">How far above a soft limit, in percent.</param>
public sealed record QuotaView(string Namespace, string Name, QuotaResourceView[] Resources, bool AllowBurst, int MaxBurstPercent)
{
    /// <summary>The view of a quota and what its namespace uses.</summary>
    public static QuotaView Of(QuotaSpec quota, ResourceList used)
    {
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(used);
        var resources = quota.LimitedResources.Select(r => new QuotaResourceView(
            r,
            QuotaMessages.Amount(r, used.Get(r).Amount),
            quota.Hard.TryGetValue(r, out var hard) ? QuotaMessages.Amount(r, hard.Amount) : null,
            quota.Soft.TryGetValue(r, out var soft) ? QuotaMessages.Amount(r, soft.Amount) : null,
            quota.BurstCeiling(r) is { } ceiling ? QuotaMessages.Amount(r, ceiling) : null));
        return new QuotaView(quota.Namespace, quota.Name, [.. resources], quota.AllowBurst, quota.MaxBurstPercent);
    }
}
