using Berth.Core.Manifests;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Quotas;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Api;

/// <summary>
/// Admission against the namespaces' quotas: an apply or a scale that would take a namespace's workloads past a
/// quota's hard limit (or past the burst ceiling of a soft limit) is refused with a message naming the quota, resource,
/// used, requested and limit, before anything is written. Usage is read live from the store: every stored workload
/// counts its desired replicas × its per-replica requests, whatever its state, so starting a stopped workload never
/// needs a check.
/// </summary>
/// <remarks>
/// Only what a change adds is checked (the new demand less the stored one, per resource), so re-applying or shrinking a
/// workload is always admitted, also in a namespace already over a quota that was lowered. Quotas in the same manifest
/// count as if already stored, so a quota and the workloads it limits can be applied together. The check reads the store
/// and the write follows; two applies racing into the same namespace can each pass alone (as Kubernetes' quota
/// admission can between its cache refreshes).
/// </remarks>
public sealed class QuotaAdmission
{
    private readonly IKeyValueStore _store;

    /// <summary>Creates the admission over the store it reads usage from.</summary>
    public QuotaAdmission(IKeyValueStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The quota kind as stored.</summary>
    public static ObjectKind Kind => ObjectKinds.Find(QuotaManifestReader.Kind)!;

    /// <summary>Refuses an apply that takes a namespace past a quota.</summary>
    /// <exception cref="ApiRequestException">Invalid: the message names the workload, quota, resource, used, requested and limit.</exception>
    public async Task CheckApplyAsync(IReadOnlyList<WorkloadSpec> workloads, IReadOnlyList<StoredObject> objects, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(objects);
        if (workloads.Count == 0)
        {
            return;
        }
        var (quotas, stored) = await ReadAsync(objects, cancellationToken).ConfigureAwait(false);
        if (quotas.Count == 0)
        {
            return;
        }
        var usage = Usage(quotas, stored.Values);
        foreach (var workload in workloads)
        {
            stored.TryGetValue(WorkloadKey.Of(workload), out var before);
            Admit(usage, before, workload);
        }
    }

    /// <summary>Refuses a scale that takes the workload's namespace past a quota; a workload that does not exist is left to the writer.</summary>
    /// <exception cref="ApiRequestException">Invalid: the message names the workload, quota, resource, used, requested and limit.</exception>
    public async Task CheckScaleAsync(WorkloadKey key, int replicas, CancellationToken cancellationToken = default)
    {
        var (quotas, stored) = await ReadAsync([], cancellationToken).ConfigureAwait(false);
        if (quotas.Count == 0 || !stored.TryGetValue(key, out var before))
        {
            return;
        }
        Admit(Usage(quotas, stored.Values), before, before with { Replicas = replicas });
    }

    /// <summary>Every quota with what its namespace uses now, in namespace and name order.</summary>
    public async Task<QuotaView[]> ViewsAsync(CancellationToken cancellationToken = default)
    {
        var (quotas, stored) = await ReadAsync([], cancellationToken).ConfigureAwait(false);
        var usage = Usage(quotas, stored.Values);
        return [.. quotas
            .OrderBy(q => q.Namespace, StringComparer.Ordinal).ThenBy(q => q.Name, StringComparer.Ordinal)
            .Select(q => QuotaView.Of(q, usage.UsedBy(q)))];
    }

    private static void Admit(QuotaUsage usage, WorkloadSpec? before, WorkloadSpec after)
    {
        var demand = QuotaDemand.Of(after, after.Replicas);
        var had = before is null ? ResourceList.Empty : QuotaDemand.Of(before, before.Replicas);
        // Only what the change adds is asked of the quota.
        var added = ResourceList.From(demand
            .Select(kv => KeyValuePair.Create(kv.Key, new Quantity(Math.Max(0m, kv.Value.Amount - had.Get(kv.Key).Amount))))
            .Where(kv => kv.Value.Amount > 0));
        if (usage.Check(after.Namespace, added).Refusal is { } refusal)
        {
            throw new ApiRequestException(ApiFault.Invalid, ApiMessages.QuotaRefused(WorkloadKey.Of(after).ToString(), after.Replicas, refusal.Message));
        }
        if (before is not null)
        {
            usage.Remove(before.Namespace, had);
        }
        usage.Add(after.Namespace, demand);
    }

    private static QuotaUsage Usage(IEnumerable<QuotaSpec> quotas, IEnumerable<WorkloadSpec> workloads)
    {
        var usage = new QuotaUsage(quotas);
        foreach (var workload in workloads)
        {
            if (usage.IsLimited(workload.Namespace))
            {
                usage.Add(workload.Namespace, QuotaDemand.Of(workload, workload.Replicas));
            }
        }
        return usage;
    }

    /// <summary>
    /// The stored quotas (replaced or joined by those of <paramref name="applied"/>), and the stored workloads of the
    /// namespaces they limit. Workloads of unlimited namespaces are not read: with no quota at all an apply reads one
    /// empty prefix, rather than every workload of the cluster.
    /// </summary>
    private async Task<(List<QuotaSpec> Quotas, Dictionary<WorkloadKey, WorkloadSpec> Workloads)> ReadAsync(
        IReadOnlyList<StoredObject> applied, CancellationToken cancellationToken)
    {
        var kind = Kind;
        var read = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.ObjectsOf(kind)), cancellationToken: cancellationToken).ConfigureAwait(false);
        var quotas = new Dictionary<string, QuotaSpec>(StringComparer.Ordinal);
        foreach (var kv in read.Kvs)
        {
            if (KeyLayout.TryParseObject(kv.Key, out var parsed, out _, out _) && parsed == kind)
            {
                var quota = (QuotaSpec)kind.Deserialize(kv.Value.Span);
                quotas[quota.Key] = quota;
            }
        }
        foreach (var stored in applied)
        {
            if (stored.Kind == kind)
            {
                var quota = stored.SpecAs<QuotaSpec>();
                quotas[quota.Key] = quota;
            }
        }
        var workloads = new Dictionary<WorkloadKey, WorkloadSpec>();
        var limited = quotas.Values.Select(q => q.Namespace).Distinct(StringComparer.Ordinal).ToList();
        if (limited.Count == 0)
        {
            return ([], workloads);
        }
        var reads = await _store.TxnAsync(
            [], [.. limited.Select(ns => TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix + ns + "/")))], [], cancellationToken).ConfigureAwait(false);
        foreach (var response in reads.Responses)
        {
            foreach (var kv in response.Kvs)
            {
                if (KeyLayout.TryParseWorkload(kv.Key, out var key))
                {
                    workloads[key] = StateSerializer.Read<WorkloadSpec>(kv);
                }
            }
        }
        return ([.. quotas.Values], workloads);
    }
}
