using System.Globalization;
using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Scheduling.Quotas;

/// <summary>The words quota admission and burst placement use, in simulation output, API errors and events.</summary>
public static class QuotaMessages
{
    /// <summary>A request refused by a quota limit: quota, resource, used, requested, limit, and how to fix it.</summary>
    public static string Exceeded(QuotaRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var (limitName, field) = refusal.Kind switch
        {
            QuotaLimitKind.Hard => ("hard limit", "hard"),
            QuotaLimitKind.Soft => ("soft limit (allowBurst is off)", "soft"),
            _ => ("burst ceiling (soft limit plus maxBurstPercent)", "soft"),
        };
        return $"quota {refusal.Quota} refuses {refusal.Resource}: used {Amount(refusal.Resource, refusal.Used)} + "
            + $"requested {Amount(refusal.Resource, refusal.Requested)} is over the {limitName} {Amount(refusal.Resource, refusal.Limit)}; "
            + $"lower the request or raise the quota's {field}.{refusal.Resource}";
    }

    /// <summary>A burst replica that would need preemption: bursting only uses idle capacity.</summary>
    public static string BurstNeedsIdleCapacity(string ns, string because) =>
        $"namespace {ns} is above its soft quota, so this replica is burst and may use only idle capacity, and none fits it: {because}";

    /// <summary>A placed replica that is burst, for placement reasons.</summary>
    public static string BurstPlaced(string reason) => $"{reason} (burst: above the namespace's soft quota)";

    /// <summary>
    /// An amount as a person reads it: bytes with the largest binary suffix that divides them (16Gi), thousandths of
    /// cpu and GPUs with m (500m), whole counts plain.
    /// </summary>
    public static string Amount(string resource, decimal amount)
    {
        bool bytes = resource is ResourceNames.Memory or ResourceNames.EphemeralStorage
            || resource.StartsWith(ResourceNames.HugePagesPrefix, StringComparison.Ordinal);
        if (bytes && amount != 0 && amount == decimal.Truncate(amount))
        {
            string[] suffixes = ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"];
            for (int i = 0; i < suffixes.Length; i++)
            {
                decimal unit = 1m;
                for (int k = 0; k < suffixes.Length - i; k++)
                {
                    unit *= 1024m;
                }
                if (Math.Abs(amount) >= unit && amount % unit == 0)
                {
                    return (amount / unit).ToString("G29", CultureInfo.InvariantCulture) + suffixes[i];
                }
            }
        }
        if (resource != QuotaSpec.Replicas && amount != decimal.Truncate(amount) && amount * 1000m == decimal.Truncate(amount * 1000m))
        {
            return (amount * 1000m).ToString("G29", CultureInfo.InvariantCulture) + "m";
        }
        return amount.ToString("G29", CultureInfo.InvariantCulture);
    }
}
