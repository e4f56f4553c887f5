using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using Berth.Server.Api;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Fleet;

/// <summary>
/// Carries out fleet migrations: moves a fleet workload's replicas between clusters by changing the replica counts of
/// its derived workloads (<c>{workload}-{cluster}</c>), in the order <see cref="MigrationPlanner"/> gives, waiting after
/// each scale-up until the new replicas are Running before anything is scaled down, with an event for each step.
/// </summary>
/// <remarks>
/// When new replicas do not run in time the migration stops where it is: the old replicas were not touched, so the
/// workload keeps at least what it had, only with extra replicas asked for; running it again plans from there.
/// </remarks>
public sealed class FleetMigration
{
    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly WorkloadWriter _writer;

    /// <summary>Creates the executor.</summary>
    /// <param name="store">Where workloads and assignments live.</param>
    /// <param name="events">Where each step is recorded.</param>
    /// <param name="writer">Writes the derived workloads.</param>
    public FleetMigration(IKeyValueStore store, EventLog events, WorkloadWriter writer)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(writer);
        _store = store;
        _events = events;
        _writer = writer;
    }

    /// <summary>How long new replicas may take to be Running before the migration stops (default 2 minutes).</summary>
    public TimeSpan RunningTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often Running replicas are counted while waiting (default 250 ms).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The most replicas moved at once (default 1: a move never needs room for more than one extra replica).</summary>
    public int MaxSurge { get; init; } = 1;

    /// <summary>The fewest replicas <paramref name="workload"/> may have Running: its replica range's minimum, else its replica count.</summary>
    public static int MinReplicas(WorkloadSpec workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return workload.ReplicaRange?.Min ?? workload.Replicas;
    }

    /// <summary>The derived workloads of fleet workload <paramref name="workload"/>, by cluster.</summary>
    public async Task<IReadOnlyDictionary<string, WorkloadSpec>> DerivedAsync(WorkloadSpec workload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var byCluster = new SortedDictionary<string, WorkloadSpec>(StringComparer.Ordinal);
        foreach (var spec in await WorkloadsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (spec.Namespace == workload.Namespace
                && spec.Labels.TryGetValue(FleetLabels.FleetWorkload, out var owner) && owner == workload.Name
                && spec.NodeSelector.TryGetValue(FleetLabels.Cluster, out var cluster))
            {
                byCluster[cluster] = spec;
            }
        }
        return byCluster;
    }

    /// <summary>The current shares (cluster → replicas asked for) of fleet workload <paramref name="workload"/>.</summary>
    public async Task<IReadOnlyDictionary<string, int>> SharesAsync(WorkloadSpec workload, CancellationToken cancellationToken = default)
    {
        var derived = await DerivedAsync(workload, cancellationToken).ConfigureAwait(false);
        return derived.ToDictionary(d => d.Key, d => d.Value.Replicas, StringComparer.Ordinal);
    }

    /// <summary>Replicas of the derived workload <paramref name="derived"/> that are Running now.</summary>
    public async Task<int> RunningAsync(WorkloadKey derived, CancellationToken cancellationToken = default)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(derived)), cancellationToken: cancellationToken).ConfigureAwait(false);
        var running = 0;
        foreach (var kv in range.Kvs)
        {
            if (StateSerializer.Read<Assignment>(kv).State == AssignmentState.Running)
            {
                running++;
            }
        }
        return running;
    }

    /// <summary>
    /// Moves fleet workload <paramref name="workload"/> from its current shares to <paramref name="target"/> (cluster →
    /// replicas), never below <see cref="MinReplicas"/> Running.
    /// </summary>
    /// <param name="workload">The fleet workload (its spec, from which new derived workloads are made).</param>
    /// <param name="target">The shares wanted.</param>
    /// <param name="reason">Why it moves, for the events.</param>
    /// <param name="cancellationToken">Stops the migration between steps.</param>
    public async Task<FleetMigrationResult> RunAsync(WorkloadSpec workload, IReadOnlyDictionary<string, int> target, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(reason);
        var key = workload.Key;
        var derived = new Dictionary<string, WorkloadSpec>(await DerivedAsync(workload, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        var current = derived.ToDictionary(d => d.Key, d => d.Value.Replicas, StringComparer.Ordinal);
        var plan = MigrationPlanner.Plan(current, target, MinReplicas(workload), MaxSurge);
        if (plan.IsRefused)
        {
            var refused = RebalanceMessages.Refused(key, plan.Detail!);
            await AppendAsync(ClusterEventType.FleetMigrationFailed, key, refused, cancellationToken).ConfigureAwait(false);
            return new FleetMigrationResult(false, current, [], refused);
        }
        if (plan.IsEmpty)
        {
            return new FleetMigrationResult(true, current, [], RebalanceMessages.Completed(key, current));
        }

        await AppendAsync(ClusterEventType.FleetMigrationStarted, key, RebalanceMessages.Started(key, reason, current, target), cancellationToken).ConfigureAwait(false);
        var removed = new List<string>();
        foreach (var step in plan.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (step.Kind)
            {
                case MigrationStepKind.ScaleUp:
                case MigrationStepKind.ScaleDown:
                    var spec = derived.TryGetValue(step.Cluster, out var existing)
                        ? existing with { Replicas = step.To }
                        : FleetWorkloads.Derive(workload, step.Cluster, step.To);
                    // The share's count is the fleet controller's to choose, so a derived workload carries no range of its own.
                    spec = spec with { ReplicaRange = null };
                    _ = await _writer.ApplyAsync([spec], cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException(RebalanceMessages.WriteLost(key, spec.Name));
                    derived[step.Cluster] = spec;
                    current[step.Cluster] = step.To;
                    break;
                case MigrationStepKind.AwaitRunning:
                    var (met, running, waited) = await AwaitRunningAsync(new WorkloadKey(workload.Namespace, derived[step.Cluster].Name), step.To, cancellationToken).ConfigureAwait(false);
                    if (!met)
                    {
                        await UpdateDecisionAsync(workload, current, cancellationToken).ConfigureAwait(false);
                        var failure = RebalanceMessages.NotRunningInTime(key, step.Cluster, running, step.To, waited);
                        await AppendAsync(ClusterEventType.FleetMigrationFailed, key, failure, cancellationToken).ConfigureAwait(false);
                        return new FleetMigrationResult(false, current, [], failure);
                    }
                    break;
                case MigrationStepKind.RemoveShare:
                    if (derived.Remove(step.Cluster, out var gone))
                    {
                        await _writer.DeleteAsync(new WorkloadKey(workload.Namespace, gone.Name), cancellationToken).ConfigureAwait(false);
                    }
                    current.Remove(step.Cluster);
                    removed.Add(step.Cluster);
                    break;
            }
            await AppendAsync(ClusterEventType.FleetMigrationStep, key, RebalanceMessages.Step(key, step), cancellationToken).ConfigureAwait(false);
        }

        var emptied = new List<string>();
        if (removed.Count > 0)
        {
            var used = await ClustersInUseAsync(cancellationToken).ConfigureAwait(false);
            emptied.AddRange(removed.Where(c => !used.Contains(c)).Order(StringComparer.Ordinal));
        }
        await UpdateDecisionAsync(workload, current, cancellationToken).ConfigureAwait(false);
        var done = RebalanceMessages.Completed(key, current);
        await AppendAsync(ClusterEventType.FleetMigrationCompleted, key, done, cancellationToken).ConfigureAwait(false);
        return new FleetMigrationResult(true, current, emptied, done);
    }

    /// <summary>Clusters that some derived workload (of any fleet workload) still targets.</summary>
    public async Task<IReadOnlySet<string>> ClustersInUseAsync(CancellationToken cancellationToken = default)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in await WorkloadsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (spec.Labels.ContainsKey(FleetLabels.FleetWorkload) && spec.NodeSelector.TryGetValue(FleetLabels.Cluster, out var cluster))
            {
                used.Add(cluster);
            }
        }
        return used;
    }

    /// <summary>
    /// Rewrites the stored decision's shares to <paramref name="shares"/>, so that <c>describe</c> and the fleet
    /// controller see where the workload runs now. It keeps the decision's workload revision, so the controller does not
    /// plan the workload again (and undo the move) until its spec changes. A share in a cluster new to the decision
    /// costs per replica what the decision's other shares of the same node class and provider cost.
    /// </summary>
    private async Task UpdateDecisionAsync(WorkloadSpec workload, IReadOnlyDictionary<string, int> shares, CancellationToken cancellationToken)
    {
        var key = KeyLayout.FleetDecision(new WorkloadKey(workload.Namespace, workload.Name));
        var kv = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (kv is null)
        {
            return;
        }
        var decision = StateSerializer.Read<FleetDecision>(kv);
        var updated = new List<FleetDecisionShare>();
        foreach (var (cluster, replicas) in shares.Where(s => s.Value > 0).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var known = decision.Shares.FirstOrDefault(s => s.Cluster == cluster);
            var record = await _store.GetAsync(KeyLayout.FleetCluster(cluster), cancellationToken).ConfigureAwait(false);
            var fleetCluster = record is null ? null : StateSerializer.Read<FleetCluster>(record);
            var like = known ?? decision.Shares.FirstOrDefault(s => s.NodeClass == fleetCluster?.NodeClass && s.Pool == fleetCluster?.Pool)
                ?? decision.Shares.FirstOrDefault(s => s.NodeClass == fleetCluster?.NodeClass);
            var perReplica = like is { Replicas: > 0 } ? like.HourlyCost / like.Replicas : 0m;
            updated.Add(new FleetDecisionShare(
                fleetCluster?.Pool ?? known?.Pool ?? "", fleetCluster?.Region ?? known?.Region ?? "", cluster,
                fleetCluster?.NodeClass ?? known?.NodeClass ?? "", replicas, perReplica * replicas, FleetWorkloads.DerivedName(workload.Name, cluster)));
        }
        var moved = decision with { Shares = updated, HourlyCost = updated.Sum(s => s.HourlyCost), LastScheduled = _events.Time.GetUtcNow() };
        await _store.TxnAsync([Compare.ModRevision(key, CompareOp.Equal, kv.ModRevision)], [TxnOp.Put(key, FleetState.Serialize(moved))], [], cancellationToken).ConfigureAwait(false);
    }

    private async Task<(bool Met, int Running, TimeSpan Waited)> AwaitRunningAsync(WorkloadKey derived, int wanted, CancellationToken cancellationToken)
    {
        var time = _events.Time;
        var start = time.GetTimestamp();
        while (true)
        {
            var running = await RunningAsync(derived, cancellationToken).ConfigureAwait(false);
            var waited = time.GetElapsedTime(start);
            if (running >= wanted)
            {
                return (true, running, waited);
            }
            if (waited >= RunningTimeout)
            {
                return (false, running, waited);
            }
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<WorkloadSpec>> WorkloadsAsync(CancellationToken cancellationToken)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.WorkloadsPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        var specs = new List<WorkloadSpec>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            specs.Add(StateSerializer.Read<WorkloadSpec>(kv));
        }
        return specs;
    }

    private Task AppendAsync(ClusterEventType type, string subject, string message, CancellationToken cancellationToken) =>
        _events.AppendAsync(_events.Create(type, subject, message), cancellationToken);
}
