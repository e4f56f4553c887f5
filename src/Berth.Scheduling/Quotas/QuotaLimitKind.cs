namespace Berth.Scheduling.Quotas;

/// <summary>Which limit of a quota refused a request.</summary>
public enum QuotaLimitKind
{
    /// <summary>A hard limit, never exceeded.</summary>
    Hard,

    /// <summary>A soft limit of a quota that does not allow bursting.</summary>
    Soft,

    /// <summary>The burst ceiling: the soft limit × (1 + maxBurstPercent/100).</summary>
    BurstCeiling,
}
