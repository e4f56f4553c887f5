namespace Berth.Scheduling.Quotas;

/// <summary>Why a quota refused a request: which quota and resource, and the amounts compared.</summary>
/// <param name="Quota">The quota's <c>namespace/name</c>.</param>
/// <param name="Resource">The resource over its limit (<c>replicas</c> for the replica count).</param>
/// <param name="Used">What the namespace already uses of it.</param>
/// <param name="Requested">What the refused request adds.</param>
/// <param name="Limit">The limit that used + requested would pass.</param>
/// <param name="Kind">Which of the quota's limits that is.</param>
public sealed record QuotaRefusal(string Quota, string Resource, decimal Used, decimal Requested, decimal Limit, QuotaLimitKind Kind)
{
    /// <summary>The refusal in words, naming quota, resource, used, requested and limit.</summary>
    public string Message => QuotaMessages.Exceeded(this);
}
