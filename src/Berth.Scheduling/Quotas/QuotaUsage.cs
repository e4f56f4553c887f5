using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Scheduling.Quotas;

/// <summary>
/// What each namespace uses, kept up to date by its caller (<see cref="Add"/> on admission or placement,
/// <see cref="Remove"/> on removal), and the quotas that limit it: the arithmetic behind admission, burst and
/// <c>berth get quotas</c>. Amounts are exact (decimal), in the units the quota gives (cpu in cores, memory in bytes).
/// </summary>
/// <remarks>
/// Per quota and limited resource, a request of <c>requested</c> on top of <c>used</c> is refused when
/// used + requested passes the hard limit, or the soft limit of a quota without bursting, or the burst ceiling
/// (soft × (1 + maxBurstPercent/100)); it is burst when it passes a soft limit but stays within the ceiling. Reaching a
/// limit exactly is within it. A request that adds nothing of a resource is never refused over that resource, so a
/// namespace already over a lowered limit can still run what does not need it. Quotas are checked in name order and
/// resources in name order, so the refusal named is always the same one.
/// </remarks>
public sealed class QuotaUsage
{
    private readonly Dictionary<string, List<QuotaSpec>> _quotas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, decimal>> _used = new(StringComparer.Ordinal);

    /// <summary>Starts with nothing used.</summary>
    public QuotaUsage(IEnumerable<QuotaSpec> quotas)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        foreach (var quota in quotas)
        {
            if (!_quotas.TryGetValue(quota.Namespace, out var list))
            {
                list = [];
                _quotas[quota.Namespace] = list;
            }
            list.Add(quota);
        }
        foreach (var list in _quotas.Values)
        {
            list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        }
    }

    /// <summary>The quotas of a namespace, in name order; empty when it has none.</summary>
    public IReadOnlyList<QuotaSpec> QuotasOf(string ns) => _quotas.TryGetValue(ns, out var list) ? list : [];

    /// <summary>True when some quota limits the namespace.</summary>
    public bool IsLimited(string ns) => _quotas.ContainsKey(ns);

    /// <summary>What the namespace uses of a resource.</summary>
    public decimal Used(string ns, string resource) =>
        _used.TryGetValue(ns, out var used) ? used.GetValueOrDefault(resource) : 0m;

    /// <summary>What the quota's namespace uses of each resource the quota limits.</summary>
    public ResourceList UsedBy(QuotaSpec quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return ResourceList.From(quota.LimitedResources.Select(r => KeyValuePair.Create(r, new Quantity(Used(quota.Namespace, r)))));
    }

    /// <summary>Counts a demand (see <see cref="QuotaDemand"/>) as used by the namespace.</summary>
    public void Add(string ns, ResourceList demand) => Change(ns, demand, 1m);

    /// <summary>Stops counting a demand added before.</summary>
    public void Remove(string ns, ResourceList demand) => Change(ns, demand, -1m);

    private void Change(string ns, ResourceList demand, decimal sign)
    {
        ArgumentNullException.ThrowIfNull(demand);
        if (!_used.TryGetValue(ns, out var used))
        {
            used = new Dictionary<string, decimal>(StringComparer.Ordinal);
            _used[ns] = used;
        }
        foreach (var (resource, quantity) in demand)
        {
            used[resource] = used.GetValueOrDefault(resource) + sign * quantity.Amount;
        }
    }

    /// <summary>Whether the namespace's quotas admit a demand on top of what it uses now, and whether it is burst.</summary>
    public QuotaVerdict Check(string ns, ResourceList demand)
    {
        ArgumentNullException.ThrowIfNull(demand);
        bool burst = false;
        foreach (var quota in QuotasOf(ns))
        {
            foreach (var resource in quota.LimitedResources)
            {
                decimal requested = demand.Get(resource).Amount;
                if (requested <= 0)
                {
                    continue;
                }
                decimal used = Used(ns, resource);
                decimal after = used + requested;
                if (quota.Hard.TryGetValue(resource, out var hard) && after > hard.Amount)
                {
                    return new QuotaVerdict(new QuotaRefusal(quota.Key, resource, used, requested, hard.Amount, QuotaLimitKind.Hard), false);
                }
                if (quota.Soft.TryGetValue(resource, out var soft) && after > soft.Amount)
                {
                    decimal ceiling = quota.BurstCeiling(resource)!.Value;
                    if (!quota.AllowBurst)
                    {
                        return new QuotaVerdict(new QuotaRefusal(quota.Key, resource, used, requested, soft.Amount, QuotaLimitKind.Soft), false);
                    }
                    if (after > ceiling)
                    {
                        return new QuotaVerdict(new QuotaRefusal(quota.Key, resource, used, requested, ceiling, QuotaLimitKind.BurstCeiling), false);
                    }
                    burst = true;
                }
            }
        }
        return burst ? QuotaVerdict.Bursting : QuotaVerdict.Guaranteed;
    }

    /// <summary>True when the namespace uses more than some soft limit of its quotas.</summary>
    public bool IsAboveSoft(string ns)
    {
        foreach (var quota in QuotasOf(ns))
        {
            foreach (var (resource, soft) in quota.Soft)
            {
                if (Used(ns, resource) > soft.Amount)
                {
                    return true;
                }
            }
        }
        return false;
    }
}
