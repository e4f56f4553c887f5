using System.Text.Json;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Simulation;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Placement;

/// <summary>
/// The dry run behind <c>berth plan</c>: what an apply of some workloads would change and where their replicas would go,
/// from one read of the store and without writing anything.
/// </summary>
/// <remarks>
/// <para>The preview builds the cluster as the placer would see it right after the apply: the stored nodes and
/// assignments with the given specs in place of the stored ones (<see cref="ClusterStateReader"/> builds the snapshot).
/// It then does what a <see cref="WorkloadPlacer"/> pass does, in the placer's order (priority, highest first, then
/// key): replicas above the new count and replicas of a Stopped workload leave the snapshot; every wanted replica
/// without a live assignment is scheduled with the placer's profile and placed into the snapshot before the next, so
/// later replicas see earlier ones. Preemption victims leave the snapshot as they would leave the cluster.</para>
/// <para>Other workloads' missing replicas are not placed first, and the cluster may change before the apply, so
/// the preview is what would happen now, not a promise.</para>
/// </remarks>
public sealed class PlacementPreview : IDisposable
{
    private readonly ClusterStateReader _reader;
    private readonly IKeyValueStore _store;
    private readonly Scheduler _scheduler;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates a preview over <paramref name="store"/>, scheduling as the placer does with <paramref name="options"/>.</summary>
    /// <param name="store">The cluster store; only read.</param>
    /// <param name="options">The placer's options (its profile); <see cref="PlacerOptions.Default"/> when null.</param>
    /// <param name="schedulerOptions">The scheduler's parallelism; <see cref="SchedulerOptions.Default"/> when null.</param>
    /// <exception cref="Berth.Scheduling.Profiles.ProfileException">The profile is invalid; the message names profile and plugin.</exception>
    public PlacementPreview(IKeyValueStore store, PlacerOptions? options = null, SchedulerOptions? schedulerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _reader = new ClusterStateReader(store);
        _store = store;
        // As the placer: gangs wait at Permit (Coscheduling) whatever profile is configured.
        _scheduler = new Scheduler(Berth.Scheduling.Plugins.Coscheduling.Enable((options ?? PlacerOptions.Default).Profile), options: schedulerOptions);
    }

    /// <summary>The clock reservations start and expire by.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Previews the apply of <paramref name="workloads"/> (already read and validated, as apply reads them).</summary>
    /// <exception cref="InvalidDataException">A stored value could not be read; the message names the key.</exception>
    public async Task<PlanPreview> PreviewAsync(IReadOnlyList<WorkloadSpec> workloads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        var stored = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);

        var specs = new Dictionary<WorkloadKey, Stored<WorkloadSpec>>(stored.Workloads);
        foreach (var spec in workloads)
        {
            var key = WorkloadKey.Of(spec);
            specs[key] = new Stored<WorkloadSpec>(KeyLayout.Workload(key), spec, stored.Workloads.TryGetValue(key, out var old) ? old.ModRevision : 0);
        }
        var after = ClusterStateReader.Build(stored.Revision, stored.Nodes, specs, stored.Assignments);
        // Stored reservations active now hold their capacity here as they do in the placer's snapshot.
        var reservations = await Reservations.ReservationQueries.ReadAllAsync(_store, cancellationToken).ConfigureAwait(false);
        var now = Clock.GetUtcNow();
        after.Snapshot.HoldReservations([.. reservations.Where(r => r.IsActiveAt(now))]);

        var order = new List<int>(workloads.Count);
        for (int i = 0; i < workloads.Count; i++)
        {
            order.Add(i);
        }
        order.Sort((a, b) => workloads[a].Priority != workloads[b].Priority
            ? workloads[b].Priority.CompareTo(workloads[a].Priority)
            : string.CompareOrdinal(workloads[a].Key, workloads[b].Key));

        var replicas = new IReadOnlyList<ReplicaPreview>[workloads.Count];
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Scale-downs and stops of every previewed workload free room before anything is placed, as the placer's
            // step 2 runs before its step 3 within a pass.
            foreach (int i in order)
            {
                Release(after, workloads[i]);
            }
            foreach (int i in order)
            {
                replicas[i] = Place(after, workloads[i]);
            }
        }
        finally
        {
            _gate.Release();
        }

        var previews = new WorkloadPreview[workloads.Count];
        for (int i = 0; i < workloads.Count; i++)
        {
            var spec = workloads[i];
            var (change, fields) = Compare(stored.Workloads.TryGetValue(WorkloadKey.Of(spec), out var old) ? old.Value : null, spec);
            previews[i] = new WorkloadPreview(spec.Namespace, spec.Name, change, fields, replicas[i]);
        }
        return new PlanPreview(stored.Revision, previews);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _scheduler.Dispose();
        _gate.Dispose();
    }

    // Replicas the placer would remove (above the count) or stop (Stopped workload) no longer hold room.
    private static void Release(ClusterState state, WorkloadSpec spec)
    {
        var key = WorkloadKey.Of(spec);
        foreach (var assignment in state.Assignments)
        {
            if (assignment.Value.Workload == key
                && (assignment.Value.Replica >= spec.Replicas || spec.DesiredState == DesiredState.Stopped)
                && state.Placed.TryGetValue(assignment.Key, out var placed))
            {
                state.Snapshot.Remove(placed);
            }
        }
    }

    private List<ReplicaPreview> Place(ClusterState state, WorkloadSpec spec)
    {
        var key = WorkloadKey.Of(spec);
        var mine = new SortedDictionary<int, Stored<Assignment>>();
        foreach (var assignment in state.Assignments)
        {
            if (assignment.Value.Workload == key)
            {
                mine[assignment.Value.Replica] = assignment;
            }
        }
        var result = new List<ReplicaPreview>(Math.Max(spec.Replicas, mine.Count));
        ReplicaInfo? info = null;
        foreach (var stored in mine.Values)
        {
            if (state.Placed.TryGetValue(stored.Key, out var placed))
            {
                info = placed.Info;
                break;
            }
        }
        info ??= state.Snapshot.Compile(spec);
        int gangFailedAt = -1;
        int placedHere = 0;
        var held = new List<(Berth.Scheduling.Snapshot.PlacedReplica Placed, List<Berth.Scheduling.Snapshot.PlacedReplica> Victims)>();

        for (int replica = 0; replica < spec.Replicas; replica++)
        {
            mine.TryGetValue(replica, out var existing);
            bool assigned = existing.Key is not null;
            if (spec.DesiredState == DesiredState.Stopped)
            {
                result.Add(new ReplicaPreview(replica, ReplicaPreviewAction.Stop, assigned ? existing.Value.Node : null, "", []));
                continue;
            }
            if (assigned && IsLive(state, existing.Value))
            {
                result.Add(new ReplicaPreview(replica, ReplicaPreviewAction.Keep, existing.Value.Node, existing.Value.Explanation, []));
                continue;
            }
            if (gangFailedAt >= 0)
            {
                result.Add(new ReplicaPreview(replica, ReplicaPreviewAction.Unschedulable, null, GangMessages.NotTried(key.ToString(), spec.Gang!, gangFailedAt), []));
                continue;
            }
            var decision = _scheduler.Schedule(state.Snapshot, info, replica);
            if (!decision.IsPlaced && decision.Outcome != PlacementOutcome.Waiting)
            {
                var summary = PlacementMessages.Summary(decision);
                if (spec.Gang is { } gang && Berth.Scheduling.Plugins.Coscheduling.PlacedOf(state.Snapshot, info) < gang.MinAvailable)
                {
                    // The gang cannot stand: the placer plans none of it, so the preview places none of it either.
                    gangFailedAt = replica;
                    // Its holds leave the preview's snapshot, and their victims come back, for the workloads after it.
                    for (int i = held.Count - 1; i >= 0; i--)
                    {
                        state.Snapshot.Remove(held[i].Placed);
                        foreach (var victim in held[i].Victims)
                        {
                            state.Snapshot.Place(victim.Info, victim.Node, victim.Name, victim.StartTime, victim.Devices);
                        }
                    }
                    for (int i = 0; i < result.Count; i++)
                    {
                        if (result[i].Action == ReplicaPreviewAction.Place)
                        {
                            result[i] = new ReplicaPreview(result[i].Replica, ReplicaPreviewAction.Unschedulable, null,
                                GangMessages.Released(key.ToString(), gang, placedHere, replica, null, summary), []);
                        }
                    }
                    summary = GangMessages.Incomplete(key.ToString(), gang, placedHere, summary);
                }
                result.Add(new ReplicaPreview(replica, ReplicaPreviewAction.Unschedulable, null, summary, []));
                continue;
            }
            placedHere++;
            var evicted = new List<Berth.Scheduling.Snapshot.PlacedReplica>(decision.Victims.Count);
            foreach (var victim in decision.Victims)
            {
                evicted.Add(state.Snapshot.Find(victim) ?? victim);
                state.Snapshot.Remove(victim);
            }
            var node = state.Snapshot.Node(decision.Node).Name;
            held.Add((state.Snapshot.Place(info, decision.Node, ClusterState.ReplicaName(key, replica)), evicted));
            result.Add(new ReplicaPreview(replica, ReplicaPreviewAction.Place, node, PlacementMessages.Explanation(decision), TiedWith(decision, node)));
        }
        foreach (var (replica, stored) in mine)
        {
            if (replica >= spec.Replicas)
            {
                result.Add(new ReplicaPreview(replica, ReplicaPreviewAction.Remove, stored.Value.Node, "", []));
            }
        }
        return result;
    }

    // Random and round-robin tie-breaks depend on the decisions the placer's scheduler made before, which a preview
    // cannot replay; a deterministic tie-break (first, least loaded) makes the pick certain.
    private List<string> TiedWith(PlacementResult decision, string chosen)
    {
        var tied = new List<string>();
        var tiebreak = _scheduler.Profile.Tiebreak;
        if (tiebreak is not (Tiebreak.Random or Tiebreak.RoundRobin or Tiebreak.WeightedRandom))
        {
            return tied;
        }
        var top = decision.Diagnostics.TopScores;
        foreach (var score in top)
        {
            // Weighted random may pick any feasible node; the best others are the likely ones.
            if (score.Node != chosen && (tiebreak == Tiebreak.WeightedRandom || score.Total == top[0].Total))
            {
                tied.Add(score.Node);
            }
        }
        return tied;
    }

    // The placer's rule (WorkloadPlacer.IsLive): an assignment on a node that still exists and not stopped stays; a
    // succeeded replica is done and is not placed again.
    private static bool IsLive(ClusterState state, Assignment assignment) =>
        assignment.State == AssignmentState.Succeeded
        || (assignment.State != AssignmentState.Stopped && state.Nodes.ContainsKey(assignment.Node));

    // Compares the stored form field by field, so the names reported are the manifest's (camelCase) and a field
    // counts as changed exactly when apply would see different bytes for it.
    private static (WorkloadPreviewChange Change, IReadOnlyList<string> Fields) Compare(WorkloadSpec? before, WorkloadSpec after)
    {
        if (before is null)
        {
            return (WorkloadPreviewChange.Created, []);
        }
        using var old = JsonDocument.Parse(StateSerializer.Serialize(before));
        using var now = JsonDocument.Parse(StateSerializer.Serialize(after));
        var fields = new List<string>();
        foreach (var property in now.RootElement.EnumerateObject())
        {
            if (!old.RootElement.TryGetProperty(property.Name, out var previous) || !JsonElement.DeepEquals(previous, property.Value))
            {
                fields.Add(property.Name);
            }
        }
        foreach (var property in old.RootElement.EnumerateObject())
        {
            if (!now.RootElement.TryGetProperty(property.Name, out _))
            {
                fields.Add(property.Name);
            }
        }
        return (fields.Count == 0 ? WorkloadPreviewChange.Unchanged : WorkloadPreviewChange.Updated, fields);
    }
}
