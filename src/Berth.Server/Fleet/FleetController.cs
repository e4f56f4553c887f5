using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using Berth.Server.Api;
using Berth.Server.State;
using Berth.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Server.Fleet;

/// <summary>
/// Places fleet workloads (those with <see cref="WorkloadSpec.Placement"/>): for each one without a decision for its
/// current revision (or still Pending) it runs the <see cref="FleetPlanner"/> over the pools, node classes, policies and
/// clusters in the store, creates or grows the clusters the plan names through <see cref="FleetClusters"/>, writes one
/// derived workload per share (<see cref="FleetWorkloads.Derive"/>; the ordinary placer puts its replicas on the
/// cluster's nodes) and stores the <see cref="FleetDecision"/>. It also removes the derived workloads of fleet workloads
/// that are gone, and raises <see cref="BudgetThresholdCrossed"/> when a pool's projected month crosses its alert threshold.
/// </summary>
/// <remarks>
/// Clusters are created before derived workloads are written, so a derived workload always names a cluster that exists.
/// A decision is written last: a pass interrupted before it plans again, and writing the same derived workload twice
/// changes nothing (<see cref="WorkloadWriter.ApplyAsync(IReadOnlyList{WorkloadSpec}, CancellationToken)"/>). A placed
/// workload is not planned again until its spec changes; moving its replicas is rebalancing's job.
/// </remarks>
public sealed class FleetController
{

    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly FleetClusters _clusters;
    private readonly WorkloadWriter _writer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HashSet<string> _alerting = new(StringComparer.Ordinal);
    private readonly Lock _alertLock = new();

    /// <summary>Creates the controller; its writes go to <paramref name="store"/> (the leadership fence when it runs in a server).</summary>
    public FleetController(IKeyValueStore store, EventLog events, FleetClusters clusters, TimeProvider? time = null, ILogger<FleetController>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(clusters);
        _store = store;
        _events = events;
        _clusters = clusters;
        _writer = new WorkloadWriter(store, events);
        _time = time ?? events.Time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The region hierarchy (the children's pools, delegation, escalation); null places within this control plane's own pools only.</summary>
    public Berth.Server.Fleet.Hierarchy.FleetHierarchy? Hierarchy { get; set; }

    /// <summary>Raised once each time a pool's projected monthly cost reaches its budget's alert threshold (again after dropping below it).</summary>
    public event EventHandler<PoolBudgetAlert>? BudgetThresholdCrossed;

    /// <summary>
    /// One pass: places every fleet workload that needs it, removes orphaned derived workloads, checks budgets.
    /// Returns the decisions written in this pass.
    /// </summary>
    public async Task<IReadOnlyList<FleetDecision>> RunPassAsync(CancellationToken cancellationToken = default)
    {
        var written = new List<FleetDecision>();
        var fleet = await FleetState.ReadAsync(_store, cancellationToken).ConfigureAwait(false);
        foreach (var (key, stored) in fleet.Workloads)
        {
            if (stored.Value.Placement is null)
            {
                continue;
            }
            fleet.Decisions.TryGetValue(key, out var previous);
            if (previous is not null && previous.WorkloadRevision == stored.ModRevision && previous.Phase == FleetDecisionPhase.Placed)
            {
                continue;
            }
            try
            {
                var decision = await PlaceAsync(fleet, key, stored, previous, cancellationToken).ConfigureAwait(false);
                if (decision is not null)
                {
                    written.Add(decision);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                FleetControllerLog.PlacementFailed(_logger, e, key.ToString());
            }
            // What this placement created or grew is what the next one bin-packs against.
            fleet = await FleetState.ReadAsync(_store, cancellationToken).ConfigureAwait(false);
        }
        await RemoveOrphansAsync(fleet, cancellationToken).ConfigureAwait(false);
        await CheckBudgetsAsync(fleet, cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>Plans <paramref name="key"/> against the fleet as stored now, without acting: what <c>berth plan</c> would show.</summary>
    public async Task<FleetPlan?> PreviewAsync(WorkloadKey key, CancellationToken cancellationToken = default)
    {
        var fleet = await FleetState.ReadAsync(_store, cancellationToken).ConfigureAwait(false);
        return fleet.Workloads.TryGetValue(key, out var stored) && stored.Value.Placement is not null
            ? FleetPlanner.Plan(fleet.Request(stored.Value))
            : null;
    }

    private async Task<FleetDecision?> PlaceAsync(FleetState fleet, WorkloadKey key, Stored<WorkloadSpec> stored, FleetDecision? previous, CancellationToken ct)
    {
        var workload = stored.Value;
        var request = fleet.Request(workload);
        if (Hierarchy is { } scope)
        {
            request = await scope.ScopeAsync(request, ct).ConfigureAwait(false);
        }
        var plan = FleetPlanner.Plan(request);
        var now = _time.GetUtcNow();
        if (!plan.Placed)
        {
            // A region hands what it cannot place to its parent, or says why it cannot while cut off.
            var reason = Hierarchy is { } up && await up.UnplacedAsync(workload, stored.ModRevision, ct).ConfigureAwait(false) is { Result: not Berth.Server.Fleet.Hierarchy.EscalationResult.None } outcome
                ? outcome.Message
                : plan.Reason;
            if (previous is not null && previous.Phase == FleetDecisionPhase.Pending && previous.Reason == reason && previous.WorkloadRevision == stored.ModRevision)
            {
                return null;
            }
            var pending = new FleetDecision(key.Namespace, key.Name, stored.ModRevision, FleetDecisionPhase.Pending, [], reason,
                plan.Rejected, plan.Policies, 0m, now);
            await WriteDecisionAsync(key, pending, ClusterEventType.FleetPlacementPending, FleetPlacementMessages.Pending(key.ToString(), reason), ct).ConfigureAwait(false);
            return pending;
        }

        var shares = new List<FleetDecisionShare>(plan.Shares.Count);
        // Shares in a child region's pools are that child's to place; the rest are placed here.
        var delegated = Hierarchy is { } down ? await down.DelegateSharesAsync(workload, plan, ct).ConfigureAwait(false) : [];
        shares.AddRange(delegated);
        var (provided, derived) = await ProvideSharesAsync(fleet, workload, plan, [.. delegated.Select(d => d.Pool)], ct).ConfigureAwait(false);
        shares.AddRange(provided);
        if (await _writer.ApplyAsync(derived, ct).ConfigureAwait(false) is null)
        {
            throw new InvalidOperationException(FleetPlacementMessages.PlacementFailed(key.ToString(), "concurrent writes kept winning"));
        }
        // Shares the new plan no longer has (the spec changed) go once the new ones are written.
        foreach (var old in fleet.DerivedOf(key))
        {
            if (!derived.Exists(d => d.Name == old.Name))
            {
                await _writer.DeleteAsync(old, ct).ConfigureAwait(false);
            }
        }
        var decision = new FleetDecision(key.Namespace, key.Name, stored.ModRevision, FleetDecisionPhase.Placed, shares, plan.Reason,
            plan.Rejected, plan.Policies, plan.HourlyCost, now);
        await WriteDecisionAsync(key, decision, ClusterEventType.FleetPlaced, FleetPlacementMessages.Placed(key.ToString(), decision), ct).ConfigureAwait(false);
        FleetControllerLog.Placed(_logger, key.ToString(), FleetPlacementMessages.Shares(decision), decision.HourlyCost);
        return decision;
    }

    /// <summary>
    /// Plans <paramref name="key"/> again with <paramref name="excludedPools"/> left out (pool → why, kept as rejections),
    /// within this control plane's own pools, and creates or grows the clusters the plan names as placement does. It
    /// writes neither derived workloads nor the decision: the caller moves the replicas there (<see cref="FleetMigration"/>).
    /// </summary>
    /// <returns>The plan and, when it placed the workload, the target shares with their clusters; null when <paramref name="key"/> is not a fleet workload.</returns>
    public async Task<FleetRelocation?> RelocateAsync(WorkloadKey key, IReadOnlyDictionary<string, string> excludedPools, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(excludedPools);
        var fleet = await FleetState.ReadAsync(_store, cancellationToken).ConfigureAwait(false);
        if (!fleet.Workloads.TryGetValue(key, out var stored) || stored.Value.Placement is null)
        {
            return null;
        }
        var request = fleet.Request(stored.Value);
        request = request with { Pools = [.. request.Pools.Where(p => !excludedPools.ContainsKey(p.Name))] };
        var plan = FleetPlanner.Plan(request);
        var excluded = fleet.Pools.Where(p => excludedPools.ContainsKey(p.Name)).OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new FleetRejection(p.Name, p.Region, FleetPlanPhase.Pools, excludedPools[p.Name]));
        plan = plan with { Rejected = [.. excluded, .. plan.Rejected] };
        if (!plan.Placed)
        {
            return new FleetRelocation(plan, []);
        }
        var (shares, _) = await ProvideSharesAsync(fleet, stored.Value, plan, [], cancellationToken).ConfigureAwait(false);
        return new FleetRelocation(plan, shares);
    }

    /// <summary>Creates or grows the clusters of <paramref name="plan"/>'s shares (but those in <paramref name="skipPools"/>) and derives the workload for each.</summary>
    private async Task<(List<FleetDecisionShare> Shares, List<WorkloadSpec> Derived)> ProvideSharesAsync(
        FleetState fleet, WorkloadSpec workload, FleetPlan plan, HashSet<string> skipPools, CancellationToken ct)
    {
        var shares = new List<FleetDecisionShare>(plan.Shares.Count);
        var derived = new List<WorkloadSpec>(plan.Shares.Count);
        foreach (var share in plan.Shares)
        {
            if (skipPools.Contains(share.Pool))
            {
                continue;
            }
            string cluster = await ProvideClusterAsync(fleet, share.Cluster, ct).ConfigureAwait(false);
            var spec = FleetWorkloads.Derive(workload, cluster, share.Replicas);
            derived.Add(spec);
            shares.Add(new FleetDecisionShare(share.Pool, share.Region, cluster, share.Cluster.NodeClass, share.Replicas, share.HourlyCost, spec.Name));
        }
        return (shares, derived);
    }

    private async Task<string> ProvideClusterAsync(FleetState fleet, PlannedCluster planned, CancellationToken ct)
    {
        if (planned.IsNew)
        {
            var pool = fleet.Pools.Find(p => p.Name == planned.Pool)!;
            var nodeClass = fleet.NodeClasses.Find(c => c.Name == planned.NodeClass)!;
            return (await _clusters.CreateAsync(pool, nodeClass, planned.NodesAfter, ct).ConfigureAwait(false)).Name;
        }
        if (planned.NodesToAdd > 0)
        {
            await _clusters.GrowAsync(planned.Name!, planned.NodesToAdd, ct).ConfigureAwait(false);
        }
        return planned.Name!;
    }

    private async Task WriteDecisionAsync(WorkloadKey key, FleetDecision decision, ClusterEventType type, string message, CancellationToken ct)
    {
        var compares = new List<Compare>();
        var operations = new List<TxnOp> { TxnOp.Put(KeyLayout.FleetDecision(key), FleetState.Serialize(decision)) };
        _events.Append(compares, operations, _events.Create(type, key.ToString(), message));
        await _store.TxnAsync(compares, operations, [], ct).ConfigureAwait(false);
    }

    // Derived workloads whose fleet workload is gone (or is no longer a fleet workload) go, and so does its decision.
    private async Task RemoveOrphansAsync(FleetState fleet, CancellationToken ct)
    {
        foreach (var (key, stored) in fleet.Workloads)
        {
            if (!stored.Value.Labels.TryGetValue(FleetLabels.FleetWorkload, out var owner))
            {
                continue;
            }
            var ownerKey = new WorkloadKey(key.Namespace, owner);
            if (fleet.Workloads.TryGetValue(ownerKey, out var fleetWorkload) && fleetWorkload.Value.Placement is not null)
            {
                continue;
            }
            await _writer.DeleteAsync(key, ct).ConfigureAwait(false);
            await _events.AppendAsync(_events.Create(ClusterEventType.FleetPlaced, key.ToString(), FleetPlacementMessages.DerivedRemoved(key.ToString(), ownerKey.ToString())), ct).ConfigureAwait(false);
        }
        foreach (var key in fleet.Decisions.Keys)
        {
            if (!fleet.Workloads.TryGetValue(key, out var stored) || stored.Value.Placement is null)
            {
                await _store.DeleteAsync(KeyLayout.FleetDecision(key), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task CheckBudgetsAsync(FleetState fleet, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        foreach (var pool in fleet.Pools)
        {
            if (pool.Budget is not { } budget)
            {
                continue;
            }
            var usage = FleetPoolUsage.Of(pool, fleet.Clusters, fleet.ClassesByName, now);
            bool past = usage.PastAlertThreshold(pool);
            bool crossed = false;
            lock (_alertLock)
            {
                if (past)
                {
                    crossed = _alerting.Add(pool.Name);
                }
                else
                {
                    _alerting.Remove(pool.Name);
                }
            }
            if (!crossed)
            {
                continue;
            }
            var alert = new PoolBudgetAlert(pool.Name, usage, budget.MaxMonthlyCost, budget.AlertThreshold, budget.Currency);
            await _events.AppendAsync(_events.Create(ClusterEventType.FleetBudgetAlert, pool.Name, FleetPlacementMessages.BudgetAlert(alert)), ct).ConfigureAwait(false);
            BudgetThresholdCrossed?.Invoke(this, alert);
        }
    }
}
