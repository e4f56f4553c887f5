using Berth.Core.Fleet;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using Berth.Server.Api;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Fleet;

/// <summary>
/// Rebalances fleet workloads: reads pools, fleet clusters, nodes, derived workloads and their replicas, finds the
/// <see cref="RebalanceTriggers"/> that hold, and acts on them. Consolidation is carried out here: the underused
/// cluster is marked Draining, every workload's share in it moves into the chosen cluster through
/// <see cref="FleetMigration"/>, and the cluster is deleted once no derived workload uses it. Triggers that need a new
/// pool (budget exceeded, capacity exhausted, compliance lost, and a manual rebalance of a workload whose pools no longer
/// qualify) ask <see cref="Placement"/> to place each affected workload again without the offending pool, move it there
/// the same way, and rewrite its decision; without <see cref="Placement"/> they are only recorded and reported.
/// </summary>
public sealed class FleetRebalancer
{
    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly FleetClusters _clusters;
    private readonly FleetMigration _migration;
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Creates the rebalancer.</summary>
    public FleetRebalancer(IKeyValueStore store, EventLog events, FleetClusters clusters, FleetMigration migration)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(migration);
        _store = store;
        _events = events;
        _clusters = clusters;
        _migration = migration;
    }

    /// <summary>
    /// How long after its last placement or move a workload's replicas may still be starting (default 2 minutes): a full
    /// pool moves a workload out only once its replicas have had that long to run, so a fresh placement is not undone.
    /// </summary>
    public TimeSpan StartupGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Fleet placement, asked where workloads go when they must leave a pool; null leaves such triggers reported only.</summary>
    public FleetController? Placement { get; set; }

    /// <summary>
    /// One pass: detects the triggers and carries out consolidations. With <paramref name="workload"/> (a manual
    /// rebalance), only triggers that concern it are acted on. Passes never overlap: a second caller waits.
    /// </summary>
    public async Task<FleetRebalanceOutcome> RebalanceAsync(WorkloadKey? workload = null, CancellationToken cancellationToken = default)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PassAsync(workload, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>
    /// A rebalance pass for the API (REST and gRPC alike): <paramref name="workload"/> is <c>namespace/name</c>, a name
    /// in the default namespace, or empty for all.
    /// </summary>
    /// <exception cref="ApiRequestException">The workload is malformed (Invalid) or not a fleet workload (NotFound); nothing was done.</exception>
    public async Task<RebalanceResponse> AnswerAsync(string? workload, CancellationToken cancellationToken = default)
    {
        WorkloadKey? key = null;
        if (!string.IsNullOrEmpty(workload))
        {
            var slash = workload.IndexOf('/', StringComparison.Ordinal);
            var parsed = slash < 0 ? new WorkloadKey(WorkloadSpec.DefaultNamespace, workload) : new WorkloadKey(workload[..slash], workload[(slash + 1)..]);
            if (parsed.Namespace.Length == 0 || parsed.Name.Length == 0 || parsed.Name.Contains('/', StringComparison.Ordinal))
            {
                throw new ApiRequestException(ApiFault.Invalid, RebalanceMessages.BadWorkloadArgument(workload));
            }
            if (!await IsFleetWorkloadAsync(parsed, cancellationToken).ConfigureAwait(false))
            {
                throw new ApiRequestException(ApiFault.NotFound, RebalanceMessages.NotAFleetWorkload(parsed.ToString()));
            }
            key = parsed;
        }
        var outcome = await RebalanceAsync(key, cancellationToken).ConfigureAwait(false);
        return new RebalanceResponse(
            [.. outcome.Triggers.Select(t => $"{t.Kind}: {t.Reason}")],
            [.. outcome.Migrations.Select(m => new RebalanceMove(m.Key, m.Value.Completed, RebalanceMessages.Render(m.Value.Shares), m.Value.Message))],
            outcome.DeletedClusters,
            outcome.Unhandled);
    }

    /// <summary>True when <paramref name="workload"/> exists and has a fleet placement.</summary>
    public async Task<bool> IsFleetWorkloadAsync(WorkloadKey workload, CancellationToken cancellationToken = default)
    {
        var kv = await _store.GetAsync(KeyLayout.Workload(workload), cancellationToken).ConfigureAwait(false);
        return kv is not null && StateSerializer.Read<WorkloadSpec>(kv).Placement is not null;
    }

    private async Task<FleetRebalanceOutcome> PassAsync(WorkloadKey? only, CancellationToken cancellationToken)
    {
        var view = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var triggers = RebalanceTriggers.Detect(view.Pools, view.Clusters, view.Shares);
        var excluded = new Dictionary<RebalanceTrigger, IReadOnlyDictionary<string, string>>(ReferenceEqualityComparer.Instance);
        if (only is { } key)
        {
            triggers = [.. triggers.Where(t => t.Workloads.Contains(key.ToString(), StringComparer.Ordinal))];
            if (await ManualAsync(key, view, triggers, cancellationToken).ConfigureAwait(false) is { } manual)
            {
                triggers = [.. triggers, manual.Trigger];
                excluded[manual.Trigger] = manual.Pools;
            }
        }
        var migrations = new SortedDictionary<string, FleetMigrationResult>(StringComparer.Ordinal);
        var deleted = new List<string>();
        var unhandled = new List<string>();
        foreach (var trigger in triggers)
        {
            if (trigger.Kind != RebalanceTriggerKind.Consolidation)
            {
                await _events.AppendAsync(_events.Create(ClusterEventType.FleetRebalanceTriggered, trigger.Pool, trigger.Reason), cancellationToken).ConfigureAwait(false);
                if (Placement is null)
                {
                    unhandled.Add(RebalanceMessages.NeedsPlacement(trigger.Reason));
                    continue;
                }
                var pools = excluded.GetValueOrDefault(trigger) ?? new Dictionary<string, string>(StringComparer.Ordinal) { [trigger.Pool] = trigger.Reason };
                await MoveOutAsync(Placement, trigger, pools, migrations, deleted, unhandled, cancellationToken).ConfigureAwait(false);
                continue;
            }
            await _events.AppendAsync(_events.Create(ClusterEventType.FleetRebalanceTriggered, trigger.Cluster!, trigger.Reason), cancellationToken).ConfigureAwait(false);
            await ConsolidateAsync(trigger, view, migrations, deleted, cancellationToken).ConfigureAwait(false);
        }
        return new FleetRebalanceOutcome(triggers, migrations, deleted, unhandled);
    }

    private async Task ConsolidateAsync(RebalanceTrigger trigger, FleetView view, IDictionary<string, FleetMigrationResult> migrations, List<string> deleted, CancellationToken cancellationToken)
    {
        var drained = trigger.Cluster!;
        var into = trigger.Into!;
        // Draining first, so that fleet placement puts nothing new there while its replicas leave.
        await _clusters.SetPhaseAsync(drained, FleetClusterPhase.Draining, cancellationToken).ConfigureAwait(false);
        var allMoved = true;
        foreach (var workloadKey in trigger.Workloads)
        {
            if (!view.Workloads.TryGetValue(workloadKey, out var spec))
            {
                continue;
            }
            var current = await _migration.SharesAsync(spec, cancellationToken).ConfigureAwait(false);
            if (!current.ContainsKey(drained))
            {
                continue;
            }
            var result = await _migration.RunAsync(spec, MigrationPlanner.Drain(current, drained, into), trigger.Reason, cancellationToken).ConfigureAwait(false);
            migrations[workloadKey] = result;
            allMoved &= result.Completed;
        }
        var inUse = await _migration.ClustersInUseAsync(cancellationToken).ConfigureAwait(false);
        if (allMoved && !inUse.Contains(drained))
        {
            await _clusters.DeleteAsync(drained, cancellationToken).ConfigureAwait(false);
            deleted.Add(drained);
        }
        else
        {
            // Something could not move: the cluster keeps serving it and takes placements again.
            await _clusters.SetPhaseAsync(drained, FleetClusterPhase.Ready, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Moves each workload of <paramref name="trigger"/> out of <paramref name="pools"/> (pool → why): fleet placement
    /// plans it again without them and provides the clusters, the migration moves the replicas, the decision records the
    /// new placement and a cluster left empty is deleted. A workload the earlier moves of this pass already settled (the
    /// trigger no longer names it, e.g. its pool is back under budget) stays where it is.
    /// </summary>
    private async Task MoveOutAsync(FleetController placement, RebalanceTrigger trigger, IReadOnlyDictionary<string, string> pools,
        IDictionary<string, FleetMigrationResult> migrations, List<string> deleted, List<string> unhandled, CancellationToken cancellationToken)
    {
        foreach (var workloadKey in trigger.Workloads)
        {
            if (migrations.ContainsKey(workloadKey))
            {
                continue;
            }
            var view = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!view.Workloads.TryGetValue(workloadKey, out var spec) || !StillHolds(trigger, view, workloadKey))
            {
                continue;
            }
            if (trigger.Kind == RebalanceTriggerKind.CapacityExhausted && await StartingSinceAsync(spec, cancellationToken).ConfigureAwait(false) is { } since)
            {
                unhandled.Add(RebalanceMessages.StillStarting(workloadKey, trigger.Reason, since, StartupGrace));
                continue;
            }
            var relocation = await placement.RelocateAsync(WorkloadKey.Of(spec), pools, cancellationToken).ConfigureAwait(false);
            if (relocation is null)
            {
                continue;
            }
            if (!relocation.Placed)
            {
                var stays = RebalanceMessages.NoOtherPlacement(workloadKey, trigger.Reason, relocation.Plan.Reason);
                unhandled.Add(stays);
                await _events.AppendAsync(_events.Create(ClusterEventType.FleetMigrationFailed, workloadKey, stays), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var result = await _migration.RunAsync(spec, relocation.Target(), trigger.Reason, cancellationToken).ConfigureAwait(false);
            migrations[workloadKey] = result;
            if (result.Completed)
            {
                await RecordAsync(spec, relocation, trigger.Reason, cancellationToken).ConfigureAwait(false);
            }
            // The clusters given up, and any created for a move that did not get as far as using them.
            var inUse = await _migration.ClustersInUseAsync(cancellationToken).ConfigureAwait(false);
            var vacated = result.EmptiedClusters.Concat(result.Completed ? [] : relocation.Shares.Select(s => s.Cluster));
            foreach (var cluster in vacated.Distinct(StringComparer.Ordinal).Where(c => !inUse.Contains(c)).Order(StringComparer.Ordinal))
            {
                if (await _clusters.FindAsync(cluster, cancellationToken).ConfigureAwait(false) is not null)
                {
                    await _clusters.DeleteAsync(cluster, cancellationToken).ConfigureAwait(false);
                    deleted.Add(cluster);
                }
            }
        }
    }

    /// <summary>When <paramref name="workload"/> was last placed or moved, if that is less than <see cref="StartupGrace"/> ago; else null.</summary>
    private async Task<DateTimeOffset?> StartingSinceAsync(WorkloadSpec workload, CancellationToken cancellationToken)
    {
        var kv = await _store.GetAsync(KeyLayout.FleetDecision(WorkloadKey.Of(workload)), cancellationToken).ConfigureAwait(false);
        if (kv is null)
        {
            return null;
        }
        var scheduled = StateSerializer.Read<FleetDecision>(kv).LastScheduled;
        return _events.Time.GetUtcNow() - scheduled < StartupGrace ? scheduled : null;
    }

    /// <summary>True while <paramref name="trigger"/> (or, for a manual one, the request) still concerns <paramref name="workload"/>.</summary>
    private static bool StillHolds(RebalanceTrigger trigger, FleetView view, string workload) =>
        trigger.Kind == RebalanceTriggerKind.Manual
        || RebalanceTriggers.Detect(view.Pools, view.Clusters, view.Shares)
            .Any(t => t.Kind == trigger.Kind && t.Pool == trigger.Pool && t.Workloads.Contains(workload, StringComparer.Ordinal));

    /// <summary>
    /// A manual rebalance of <paramref name="key"/> moves it out of the pools it runs in that its placement no longer
    /// allows (fleet placement turns them down in its first phase: selector, compliance, node classes), unless a detected
    /// trigger already moves it; null when there is nothing to move.
    /// </summary>
    private async Task<(RebalanceTrigger Trigger, IReadOnlyDictionary<string, string> Pools)?> ManualAsync(
        WorkloadKey key, FleetView view, IReadOnlyList<RebalanceTrigger> detected, CancellationToken cancellationToken)
    {
        if (Placement is null || detected.Any(t => t.Kind != RebalanceTriggerKind.Consolidation))
        {
            return null;
        }
        var shares = view.Shares.FirstOrDefault(s => s.Workload == key.ToString());
        if (shares is null || await Placement.PreviewAsync(key, cancellationToken).ConfigureAwait(false) is not { } plan)
        {
            return null;
        }
        var current = shares.Shares.Where(s => s.Replicas > 0).Select(s => s.Pool).ToHashSet(StringComparer.Ordinal);
        var pools = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var rejection in plan.Rejected.Where(r => r.Phase == FleetPlanPhase.Pools && current.Contains(r.Pool)))
        {
            pools.TryAdd(rejection.Pool, rejection.ToString());
        }
        if (pools.Count == 0)
        {
            return null;
        }
        var reason = RebalanceMessages.ManualMove(key.ToString(), pools.Values);
        return (new RebalanceTrigger(RebalanceTriggerKind.Manual, pools.Keys.First(), null, null, [key.ToString()], reason), pools);
    }

    /// <summary>
    /// Rewrites the decision after a completed move: the relocation's shares with their planned costs, why it moved and
    /// the pools turned down. It keeps the workload revision, so fleet placement does not plan it again and undo the move.
    /// </summary>
    private async Task RecordAsync(WorkloadSpec workload, FleetRelocation relocation, string why, CancellationToken cancellationToken)
    {
        var key = KeyLayout.FleetDecision(WorkloadKey.Of(workload));
        var kv = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (kv is null)
        {
            return;
        }
        var decision = StateSerializer.Read<FleetDecision>(kv);
        var moved = decision with
        {
            Phase = FleetDecisionPhase.Placed,
            Shares = relocation.Shares,
            Reason = RebalanceMessages.Relocated(why, relocation.Plan.Reason),
            Rejected = relocation.Plan.Rejected,
            Policies = relocation.Plan.Policies,
            HourlyCost = relocation.Shares.Sum(s => s.HourlyCost),
            LastScheduled = _events.Time.GetUtcNow(),
        };
        await _store.TxnAsync([Compare.ModRevision(key, CompareOp.Equal, kv.ModRevision)], [TxnOp.Put(key, FleetState.Serialize(moved))], [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Everything the triggers are computed from, read from the store.</summary>
    private async Task<FleetView> ReadAsync(CancellationToken cancellationToken)
    {
        // One read of what fleet placement reads too, so the pools, clusters, workloads and replicas agree with each other.
        var fleet = await FleetState.ReadAsync(_store, cancellationToken).ConfigureAwait(false);
        var (pools, nodeClasses, policies, clusters) = (fleet.Pools, fleet.ClassesByName, fleet.Policies, fleet.Clusters);
        var now = _events.Time.GetUtcNow();

        var workloads = new Dictionary<string, WorkloadSpec>(StringComparer.Ordinal);
        var derived = new List<WorkloadSpec>();
        foreach (var stored in fleet.Workloads.Values)
        {
            var spec = stored.Value;
            if (spec.Placement is not null)
            {
                workloads[spec.Key] = spec;
            }
            else if (spec.Labels.ContainsKey(FleetLabels.FleetWorkload) && spec.NodeSelector.ContainsKey(FleetLabels.Cluster))
            {
                derived.Add(spec);
            }
        }

        // Requests held on each node, and Running replicas per derived workload.
        var held = new Dictionary<string, (long MilliCpu, long Memory)>(StringComparer.Ordinal);
        var running = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var assignment in fleet.Assignments)
        {
            if (assignment.HoldsResources)
            {
                var (cpu, memory) = held.GetValueOrDefault(assignment.Node);
                held[assignment.Node] = (cpu + assignment.Requests.Get(ResourceNames.Cpu).MilliValue, memory + assignment.Requests.Get(ResourceNames.Memory).Value);
            }
            if (assignment.State == AssignmentState.Running)
            {
                running[assignment.Workload.ToString()] = running.GetValueOrDefault(assignment.Workload.ToString()) + 1;
            }
        }
        var allocatable = new Dictionary<string, (long MilliCpu, long Memory)>(StringComparer.Ordinal);
        var nodes = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.NodesPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var kv in nodes.Kvs)
        {
            var node = StateSerializer.Read<NodeRecord>(kv).Spec;
            allocatable[node.Name] = (node.Allocatable.Get(ResourceNames.Cpu).MilliValue, node.Allocatable.Get(ResourceNames.Memory).Value);
        }

        var shares = new List<WorkloadShares>();
        var policyOfCluster = new Dictionary<string, ClusterPolicy>(StringComparer.Ordinal);
        var poolOf = clusters.ToDictionary(c => c.Name, c => c.Pool, StringComparer.Ordinal);
        foreach (var (key, spec) in workloads.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var policy = FleetPolicy.For(spec, policies);
            var mine = derived.Where(d => d.Namespace == spec.Namespace && d.Labels[FleetLabels.FleetWorkload] == spec.Name).ToList();
            var list = new List<WorkloadShare>();
            foreach (var d in mine)
            {
                var cluster = d.NodeSelector[FleetLabels.Cluster];
                list.Add(new WorkloadShare(cluster, poolOf.GetValueOrDefault(cluster, ""), d.Replicas, running.GetValueOrDefault(d.Key)));
                // A cluster follows the first (by workload key) policy among the workloads it runs.
                policyOfCluster.TryAdd(cluster, policy.ClusterPolicy);
            }
            shares.Add(new WorkloadShares(key, policy.Compliance, FleetMigration.MinReplicas(spec), list));
        }

        var clusterLoads = new List<ClusterLoad>();
        foreach (var cluster in clusters)
        {
            long usedCpu = 0, usedMemory = 0, cpu = 0, memory = 0;
            foreach (var node in cluster.Nodes)
            {
                var (c, m) = allocatable.GetValueOrDefault(node);
                cpu += c;
                memory += m;
                var (hc, hm) = held.GetValueOrDefault(node);
                usedCpu += hc;
                usedMemory += hm;
            }
            // Utilization by the scarcer resource: a cluster full of memory is full whatever its cpu says.
            var utilization = Math.Max(cpu == 0 ? 0 : (double)usedCpu / cpu, memory == 0 ? 0 : (double)usedMemory / memory);
            clusterLoads.Add(new ClusterLoad(cluster, utilization, policyOfCluster.GetValueOrDefault(cluster.Name, ClusterPolicy.Default)));
        }

        var poolLoads = pools.Select(p =>
        {
            var usage = FleetPoolUsage.Of(p, clusters, nodeClasses, now);
            return new PoolLoad(p, usage.Nodes, usage.Cores, usage.MemoryGi, usage.HourlyCost);
        }).ToList();
        return new FleetView(poolLoads, clusterLoads, shares, workloads);
    }

    private sealed record FleetView(
        IReadOnlyList<PoolLoad> Pools, IReadOnlyList<ClusterLoad> Clusters, IReadOnlyList<WorkloadShares> Shares, IReadOnlyDictionary<string, WorkloadSpec> Workloads);
}
