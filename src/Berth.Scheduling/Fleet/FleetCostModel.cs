using Berth.Core.Specs;

namespace Berth.Scheduling.Fleet;

/// <summary>
/// How fleet costs are counted. A pool pays for whole nodes: node count × the node class's hourly cost under the pool's
/// provider. A workload is charged the part of a node its replicas take: per replica, the node's hourly cost × the
/// larger of its core share and its memory share, so that a replica asking 2 of a 4-core node's cores costs half the node.
/// </summary>
public static class FleetCostModel
{
    /// <summary>Hours in the 30 days projections are made over.</summary>
    public const int HoursPer30Days = 720;

    /// <summary>What <paramref name="hourly"/> comes to over 30 days.</summary>
    public static decimal Projected30Day(decimal hourly) => decimal.Round(hourly * HoursPer30Days, 4);

    /// <summary>The hourly cost of one replica needing <paramref name="replica"/> on a node of <paramref name="nodeClass"/> under <paramref name="providerType"/>.</summary>
    public static decimal ReplicaHourly(NodeClassSpec nodeClass, string providerType, FleetResources replica)
    {
        ArgumentNullException.ThrowIfNull(nodeClass);
        ArgumentNullException.ThrowIfNull(replica);
        double coreShare = nodeClass.Resources.Cores > 0 ? replica.Cores / nodeClass.Resources.Cores : 0;
        double memoryShare = nodeClass.Resources.MemoryGi > 0 ? replica.MemoryGi / nodeClass.Resources.MemoryGi : 0;
        double share = Math.Min(1.0, Math.Max(coreShare, memoryShare));
        return decimal.Round(nodeClass.HourlyCost(providerType) * (decimal)share, 6);
    }

    /// <summary>
    /// What a cost of <paramref name="hourly"/> per hour, incurred since <paramref name="since"/>, has come to in the
    /// calendar month (UTC) of <paramref name="now"/>.
    /// </summary>
    public static decimal CurrentMonth(decimal hourly, DateTimeOffset since, DateTimeOffset now)
    {
        var utcNow = now.ToUniversalTime();
        var monthStart = new DateTimeOffset(utcNow.Year, utcNow.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var from = since > monthStart ? since : monthStart;
        if (from >= utcNow)
        {
            return 0m;
        }
        return decimal.Round(hourly * (decimal)(utcNow - from).TotalHours, 4);
    }
}
