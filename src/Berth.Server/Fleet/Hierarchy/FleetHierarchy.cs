using System.Net.Http.Headers;
using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Server.State;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>
/// What fleet placement asks of the region hierarchy. On a parent: <see cref="ScopeAsync"/> adds the pools of its
/// connected children to the planner's view, <see cref="OwnerOfPoolAsync"/> tells which share belongs to a child, and
/// <see cref="DelegateAsync"/> hands that share to the child (the workload applied there, pinned to the pool). On a
/// region: a workload the parent delegated is planned in its pinned pool only, and one with no candidate pool goes to
/// <see cref="UnplacedAsync"/>, which escalates it to the parent, or, while the parent is unreachable, keeps it waiting or
/// refuses it when it needs regions this region does not know. Workloads come in through <see cref="AcceptAsync"/>.
/// </summary>
public sealed class FleetHierarchy : IDisposable
{
    private readonly ServerOptions _options;
    private readonly FleetRegions _regions;
    private readonly RegionLink _link;
    private readonly LocalFleetCatalog _catalog;
    private readonly WorkloadWriter _writer;
    private readonly EventLog _events;
    private readonly HttpClient _http;
    private readonly Lock _gate = new();
    // Workloads escalated to the parent, at the revision sent: a pending workload is planned every pass, but the parent
    // is asked once per revision, and once more after each reconnection.
    private readonly Dictionary<string, long> _escalated = new(StringComparer.Ordinal);

    /// <summary>Creates the hierarchy's side of fleet placement and forgets past escalations whenever <paramref name="link"/> reconnects.</summary>
    public FleetHierarchy(ServerOptions options, FleetRegions regions, RegionLink link, LocalFleetCatalog catalog, WorkloadWriter writer, EventLog events)
    {
        ArgumentNullException.ThrowIfNull(link);
        _options = options;
        // With TLS the parent and children are reached over HTTPS, trusting the CA and presenting this server's certificate.
        _http = new HttpClient(Security.TlsMaterial.ClientHandlerFor(options)) { Timeout = TimeSpan.FromSeconds(10) };
        _regions = regions;
        _link = link;
        _catalog = catalog;
        _writer = writer;
        _events = events;
        link.OnReconnected(_ =>
        {
            lock (_gate)
            {
                _escalated.Clear();
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>This control plane's name in the labels it writes: its region, or <see cref="HierarchyLabels.RootName"/>.</summary>
    public string Self => _options.Region ?? HierarchyLabels.RootName;

    /// <summary>
    /// The planner's view for one workload: a workload the parent delegated sees only the pool it was pinned to; any other
    /// sees this control plane's pools and node classes plus those of every connected child (a local pool wins a name clash).
    /// </summary>
    public async Task<FleetPlanRequest> ScopeAsync(FleetPlanRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Workload.Labels.TryGetValue(HierarchyLabels.DelegatedPool, out var pinned))
        {
            return request with { Pools = [.. request.Pools.Where(p => string.Equals(p.Name, pinned, StringComparison.Ordinal))] };
        }
        var remote = await _regions.RemotePoolsAsync(cancellationToken).ConfigureAwait(false);
        if (remote.Count == 0)
        {
            return request;
        }
        var pools = new List<PoolSpec>(request.Pools);
        var poolNames = new HashSet<string>(request.Pools.Select(p => p.Name), StringComparer.Ordinal);
        var classes = new List<NodeClassSpec>(request.NodeClasses);
        var classNames = new HashSet<string>(request.NodeClasses.Select(c => c.Name), StringComparer.Ordinal);
        foreach (var (owner, pool) in remote)
        {
            if (poolNames.Add(pool.Name))
            {
                pools.Add(pool);
            }
            foreach (var nodeClass in owner.NodeClasses)
            {
                if (classNames.Add(nodeClass.Name))
                {
                    classes.Add(nodeClass);
                }
            }
        }
        return request with { Pools = pools, NodeClasses = classes };
    }

    /// <summary>The connected child that owns <paramref name="pool"/>; null when the pool is this control plane's own (or nobody's).</summary>
    public async Task<RegionRecord?> OwnerOfPoolAsync(string pool, CancellationToken cancellationToken = default)
    {
        foreach (var local in await _catalog.PoolsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(local.Name, pool, StringComparison.Ordinal))
            {
                return null;
            }
        }
        return await _regions.OwnerOfPoolAsync(pool, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands a share of <paramref name="workload"/> to the child that owns its pool: the workload, with the share's replica
    /// count, no required regions (the parent already spread it) and labels pinning it to <paramref name="pool"/>, is
    /// applied on the child (<c>POST /v1/fleet/delegations</c>), whose own fleet placement then places it. Applying the
    /// same share again changes nothing there. Returns the copy sent.
    /// </summary>
    /// <exception cref="InvalidOperationException">The child did not take it; the message says why.</exception>
    public async Task<WorkloadSpec> DelegateAsync(WorkloadSpec workload, string pool, int replicas, RegionRecord owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(owner);
        var labels = new Dictionary<string, string>(workload.Labels, StringComparer.Ordinal)
        {
            [HierarchyLabels.DelegatedFrom] = Self,
            [HierarchyLabels.DelegatedPool] = pool,
        };
        var copy = workload with
        {
            Replicas = replicas,
            ReplicaRange = null,
            Labels = labels,
            Placement = workload.Placement is { } placement ? placement with { RequiredRegions = [] } : null,
        };
        var target = new Uri(new Uri(owner.Address), $"v1/fleet/delegations?from={Uri.EscapeDataString(Self)}");
        var problem = await SendAsync(target, copy, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            throw new InvalidOperationException(RegionMessages.DelegationFailed(workload.Key, owner.Region, owner.Address, problem));
        }
        await _events.AppendAsync(_events.Create(ClusterEventType.FleetDelegated, workload.Key,
            RegionMessages.Delegated(workload.Key, replicas, pool, owner.Region)), cancellationToken).ConfigureAwait(false);
        return copy;
    }

    /// <summary>
    /// Delegates every share of <paramref name="plan"/> whose pool belongs to a connected child (<see cref="DelegateAsync"/>)
    /// and answers them as decision shares (cluster: <c>delegated to REGION</c>; workload: the copy's name on the child).
    /// Shares of one pool go as one, with their replicas summed; when the plan uses two pools of one child, the child gets
    /// the first pool's pin with all of that child's replicas, since the copy keeps the workload's name.
    /// </summary>
    /// <exception cref="InvalidOperationException">A child did not take its share.</exception>
    public async Task<IReadOnlyList<FleetDecisionShare>> DelegateSharesAsync(WorkloadSpec workload, FleetPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(plan);
        var byRegion = new Dictionary<string, (RegionRecord Owner, string Pool, int Replicas)>(StringComparer.Ordinal);
        var shares = new List<FleetDecisionShare>();
        foreach (var share in plan.Shares)
        {
            if (await OwnerOfPoolAsync(share.Pool, cancellationToken).ConfigureAwait(false) is not { } owner)
            {
                continue;
            }
            byRegion[owner.Region] = byRegion.TryGetValue(owner.Region, out var sent)
                ? (owner, sent.Pool, sent.Replicas + share.Replicas)
                : (owner, share.Pool, share.Replicas);
            shares.Add(new FleetDecisionShare(share.Pool, share.Region, RegionMessages.DelegatedCluster(owner.Region), share.Cluster.NodeClass,
                share.Replicas, share.HourlyCost, workload.Name));
        }
        foreach (var (owner, pool, replicas) in byRegion.Values)
        {
            await DelegateAsync(workload, pool, replicas, owner, cancellationToken).ConfigureAwait(false);
        }
        return shares;
    }

    /// <summary>
    /// What to do with a fleet workload this control plane found no pool for, at store revision <paramref name="revision"/>.
    /// A root, or a workload delegated here, stays as it is (<see cref="EscalationResult.None"/>). A region connected to
    /// its parent escalates it (<c>POST /v1/fleet/escalations</c> on the parent; once per revision and after each
    /// reconnection). A region cut off from its parent refuses it when it requires regions the region does not know, and
    /// otherwise keeps it waiting; either way the next reconnection evaluates it again.
    /// </summary>
    public async Task<EscalationOutcome> UnplacedAsync(WorkloadSpec workload, long revision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (_link.Parent is not { } parent || workload.Labels.ContainsKey(HierarchyLabels.DelegatedFrom))
        {
            return EscalationOutcome.None;
        }
        var region = _options.Region!;
        string? problem = null;
        if (_link.State == ParentLinkState.Connected)
        {
            lock (_gate)
            {
                if (_escalated.TryGetValue(workload.Key, out var sent) && sent == revision)
                {
                    return new EscalationOutcome(EscalationResult.Escalated, RegionMessages.Escalated(workload.Key, region, parent.ToString()));
                }
            }
            var labels = new Dictionary<string, string>(workload.Labels, StringComparer.Ordinal) { [HierarchyLabels.EscalatedFrom] = region };
            problem = await SendAsync(new Uri(parent, $"v1/fleet/escalations?from={Uri.EscapeDataString(region)}"), workload with { Labels = labels }, cancellationToken).ConfigureAwait(false);
            if (problem is null)
            {
                lock (_gate)
                {
                    _escalated[workload.Key] = revision;
                }
                var message = RegionMessages.Escalated(workload.Key, region, parent.ToString());
                await _events.AppendAsync(_events.Create(ClusterEventType.FleetEscalated, workload.Key, message), cancellationToken).ConfigureAwait(false);
                return new EscalationOutcome(EscalationResult.Escalated, message);
            }
        }
        var known = await _catalog.RegionsAsync(region, cancellationToken).ConfigureAwait(false);
        var unknown = (workload.Placement?.RequiredRegions ?? []).Where(r => !known.Contains(r)).ToList();
        problem ??= _link.LastProblem.Length > 0 ? _link.LastProblem : "no report has succeeded yet";
        return unknown.Count > 0
            ? new EscalationOutcome(EscalationResult.Refused, RegionMessages.UnknownRegions(workload.Key, unknown, region, [.. known], parent.ToString(), problem))
            : new EscalationOutcome(EscalationResult.Waiting, RegionMessages.WaitingForParent(workload.Key, region, parent.ToString(), problem));
    }

    /// <summary>
    /// Stores a workload a parent delegated (<paramref name="delegated"/>) or a child escalated, as an apply would; the
    /// workload must carry the matching label (<see cref="HierarchyLabels"/>), which the sender sets.
    /// </summary>
    /// <exception cref="ApiRequestException">The sender's name, the workload's name or its labels are wrong (<see cref="ApiFault.Invalid"/>), or concurrent writes kept winning (<see cref="ApiFault.Conflict"/>); nothing was written.</exception>
    public async Task<ApplyResponse> AcceptAsync(WorkloadSpec workload, string from, bool delegated, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (ManifestNames.ValidateDnsLabel(from ?? "") is { } fromProblem)
        {
            throw new ApiRequestException(ApiFault.Invalid, RegionMessages.BadFrom(from ?? "", fromProblem));
        }
        if (ManifestNames.ValidateDnsLabel(workload.Name ?? "") is { } nameProblem)
        {
            throw new ApiRequestException(ApiFault.Invalid, RegionMessages.BadHandedWorkload("name", nameProblem));
        }
        if (ManifestNames.ValidateDnsLabel(workload.Namespace ?? "") is { } namespaceProblem)
        {
            throw new ApiRequestException(ApiFault.Invalid, RegionMessages.BadHandedWorkload("namespace", namespaceProblem));
        }
        var label = delegated ? HierarchyLabels.DelegatedFrom : HierarchyLabels.EscalatedFrom;
        if (workload.Placement is null || !workload.Labels.TryGetValue(label, out var labelled) || labelled != from)
        {
            throw new ApiRequestException(ApiFault.Invalid, RegionMessages.HandedWorkloadUnlabelled(workload.Key, label, from!));
        }
        return await _writer.ApplyAsync([workload], cancellationToken).ConfigureAwait(false)
            ?? throw new ApiRequestException(ApiFault.Conflict, ApiMessages.TooManyConflicts(WorkloadWriter.MaxAttempts));
    }

    // Null when the other side took it; otherwise why not.
    private async Task<string?> SendAsync(Uri target, WorkloadSpec workload, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new ByteArrayContent(StateSerializer.Serialize(workload));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _http.PostAsync(target, content, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }
            return $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e.Message;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
