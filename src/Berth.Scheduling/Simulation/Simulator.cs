using System.Globalization;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Quotas;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Simulation;

/// <summary>
/// Runs a <see cref="Scenario"/>: builds the cluster snapshot, places the already-running replicas, then schedules each
/// workload's replicas in order, one at a time, committing each decision (and evicting preemption victims) before the next.
/// </summary>
public sealed class Simulator
{
    private readonly PluginRegistry? _registry;
    private readonly SchedulerOptions? _options;

    /// <summary>Creates a simulator over a plugin registry (default: the built-in plugins).</summary>
    public Simulator(PluginRegistry? registry = null, SchedulerOptions? options = null)
    {
        _registry = registry;
        _options = options;
    }

    /// <summary>The clock a scenario without <c>time</c> is read at, for its reservations' start and expiry.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Places every replica of the scenario and reports each decision.</summary>
    /// <param name="explain">Also report every node's evaluation and the preemption candidates.</param>
    /// <exception cref="ProfileException">The scenario's profile cannot be built (e.g. a plugin used at a point it does not implement).</exception>
    public SimulationReport Run(Scenario scenario, bool explain = false)
    {
        // Gangs wait at Permit: a scenario with one runs its profile with the Coscheduling permit plugin.
        var profile = scenario.Workloads.Any(w => w.Gang is not null) ? Coscheduling.Enable(scenario.Profile) : scenario.Profile;
        using var scheduler = new Scheduler(profile, _registry, _options);
        var snapshot = ClusterSnapshot.Create(scenario.Nodes, scenario.Namespaces, scenario.DisruptionBudgets);
        snapshot.Quotas = scenario.Quotas;
        var usage = new QuotaUsage(scenario.Quotas);
        foreach (var existing in scenario.Placed)
        {
            // Each running replica is its own group: placed entries need not share labels or affinity.
            var info = snapshot.Compile(existing.Spec);
            snapshot.Place(info, snapshot.IndexOf(existing.Node), existing.Spec.Name, existing.StartTime);
            usage.Add(existing.Spec.Namespace, QuotaDemand.PerReplica(existing.Spec));
        }
        // Reservations hold what is free once the running replicas are counted (never evicting them).
        var now = scenario.Time ?? Clock.GetUtcNow();
        if (scenario.Reservations.Count > 0)
        {
            snapshot.HoldReservations([.. scenario.Reservations.Where(r => r.IsActiveAt(now))]);
        }

        var placements = new List<ReplicaPlacement>();
        foreach (var workload in scenario.Workloads)
        {
            var info = snapshot.Compile(workload);
            var demand = QuotaDemand.PerReplica(workload);
            // Replicas waiting at Permit for the rest of their gang: held in the snapshot (their room taken, their
            // victims off their nodes, their quota counted) until the replica that completes the gang is permitted, or
            // released together.
            var waiting = new List<Held>();
            int gangFailedAt = -1;
            for (int replica = 0; replica < workload.Replicas; replica++)
            {
                if (gangFailedAt >= 0)
                {
                    placements.Add(new ReplicaPlacement(workload.Name, workload.Namespace, replica, null,
                        GangMessages.NotTried(workload.Key, workload.Gang!, gangFailedAt), null, [], null));
                    continue;
                }
                var verdict = usage.Check(workload.Namespace, demand);
                string? refused = verdict.Refusal?.Message;
                PlacementResult? result = null;
                List<CandidateEvaluation>? candidates = null;
                if (refused is null)
                {
                    result = scheduler.Schedule(snapshot, info, replica, explain);
                    candidates = explain ? Candidates(result.Diagnostics) : null;
                    if (result.Outcome is not (PlacementOutcome.Placed or PlacementOutcome.Waiting))
                    {
                        refused = UnplacedReason(result);
                    }
                    else if (verdict.Burst && (result.Victims.Count > 0 || result.Diagnostics.FeasibleNodes == 0))
                    {
                        // Bursting borrows idle capacity only; a burst replica never evicts anyone to get in.
                        refused = QuotaMessages.BurstNeedsIdleCapacity(workload.Namespace, NoIdleCapacity(result));
                    }
                }
                if (refused is not null)
                {
                    bool gangMember = workload.Gang is { } g && replica < g.MinAvailable && Coscheduling.PlacedOf(snapshot, info) < g.MinAvailable;
                    if (!gangMember)
                    {
                        placements.Add(new ReplicaPlacement(workload.Name, workload.Namespace, replica, null, refused, candidates, [], null));
                        continue;
                    }
                    // The gang cannot complete: nothing of it is placed, and every hold (and eviction) is undone.
                    Release(snapshot, usage, waiting);
                    foreach (var held in waiting)
                    {
                        placements.Add(new ReplicaPlacement(workload.Name, workload.Namespace, held.Replica, null,
                            GangMessages.Released(workload.Key, workload.Gang!, waiting.Count, replica, held.Result.NodeName, refused), held.Candidates, [], null));
                    }
                    placements.Add(new ReplicaPlacement(workload.Name, workload.Namespace, replica, null,
                        GangMessages.Incomplete(workload.Key, workload.Gang!, waiting.Count, refused), candidates, [], null));
                    waiting.Clear();
                    gangFailedAt = replica;
                    continue;
                }
                var placedResult = result!;
                var evicted = new List<PlacedReplica>(placedResult.Victims.Count);
                foreach (var victim in placedResult.Victims)
                {
                    evicted.Add(snapshot.Find(victim) ?? victim);
                    snapshot.Remove(victim);
                    usage.Remove(victim.Info.Namespace, QuotaDemand.PerReplica(victim.Info.Workload));
                }
                var committed = snapshot.Place(info, placedResult.Node, $"{workload.Name}-{replica}");
                usage.Add(workload.Namespace, demand);
                var hold = new Held(replica, placedResult, committed, evicted, candidates, verdict.Burst);
                if (placedResult.Outcome == PlacementOutcome.Waiting)
                {
                    waiting.Add(hold);
                    continue;
                }
                // This replica completed its gang (or has none): the waiting ones are permitted with it.
                foreach (var held in waiting)
                {
                    placements.Add(Placement(workload, info, held, explain));
                }
                waiting.Clear();
                placements.Add(Placement(workload, info, hold, explain));
            }
            if (waiting.Count > 0)
            {
                Release(snapshot, usage, waiting);
                foreach (var held in waiting)
                {
                    placements.Add(new ReplicaPlacement(workload.Name, workload.Namespace, held.Replica, null,
                        GangMessages.NeverCompleted(workload.Key, workload.Gang!, waiting.Count), held.Candidates, [], null));
                }
            }
        }

        int placed = placements.Count(p => p.IsPlaced);
        int nodesUsed = placements.Where(p => p.IsPlaced).Select(p => p.Node).Distinct(StringComparer.Ordinal).Count();
        return new SimulationReport(placements, new SimulationSummary(placed, placements.Count - placed, nodesUsed))
        {
            Reservations = ReservationsAfter(scenario, snapshot, now),
        };
    }

    /// <summary>A replica placed in the snapshot, with the victims evicted for it; while its gang waits, a hold.</summary>
    private sealed record Held(int Replica, PlacementResult Result, PlacedReplica Placed, List<PlacedReplica> Evicted, List<CandidateEvaluation>? Candidates, bool Burst);

    private static ReplicaPlacement Placement(Berth.Core.Specs.WorkloadSpec workload, ReplicaInfo info, Held held, bool explain)
    {
        var victims = held.Evicted.Select(v => v.Key).ToList();
        var preemption = explain ? held.Result.PostFilterDetails as PreemptionDetails : null;
        var reason = held.Burst ? QuotaMessages.BurstPlaced(PlacedReason(held.Result, victims)) : PlacedReason(held.Result, victims);
        return new ReplicaPlacement(workload.Name, workload.Namespace, held.Replica, held.Result.NodeName, reason,
            held.Candidates, victims, preemption, info.GpuMilli > 0 ? held.Placed.Devices : null, held.Burst);
    }

    // Takes the holds back, newest first, and puts each one's victims back where they ran: a gang that does not
    // stand evicts nobody.
    private static void Release(ClusterSnapshot snapshot, QuotaUsage usage, List<Held> waiting)
    {
        for (int i = waiting.Count - 1; i >= 0; i--)
        {
            var held = waiting[i];
            snapshot.Remove(held.Placed);
            usage.Remove(held.Placed.Info.Namespace, QuotaDemand.PerReplica(held.Placed.Info.Workload));
            foreach (var victim in held.Evicted)
            {
                snapshot.Place(victim.Info, victim.Node, victim.Name, victim.StartTime, victim.Devices);
                usage.Add(victim.Info.Namespace, QuotaDemand.PerReplica(victim.Info.Workload));
            }
        }
    }

    private static string UnplacedReason(PlacementResult result) => result.Outcome switch
    {
        PlacementOutcome.Waiting => $"waiting on {result.NodeName} for the rest of its group",
        PlacementOutcome.Failed => $"binding to {result.NodeName} failed",
        _ => result.Diagnostics.Summary ?? $"0/{result.Diagnostics.NodesEvaluated} nodes are available.",
    };

    /// <summary>Why nothing fits without preemption: the filters' summary, or the preemption the replica would need.</summary>
    private static string NoIdleCapacity(PlacementResult result) =>
        result.Diagnostics.Summary ?? $"0/{result.Diagnostics.NodesEvaluated} nodes are available without preemption.";

    private static string PlacedReason(PlacementResult result, List<string> victims)
    {
        var d = result.Diagnostics;
        if (victims.Count > 0)
        {
            return $"no node fit; preempted {string.Join(", ", victims)} on {result.NodeName}";
        }
        if (d.FeasibleNodes == 0)
        {
            return $"no node fit; nominated {result.NodeName}";
        }
        long? total = null;
        foreach (var top in d.TopScores)
        {
            if (top.Node == result.NodeName)
            {
                total = top.Total;
                break;
            }
        }
        var evaluated = d.NodesEvaluated.ToString(CultureInfo.InvariantCulture);
        // percentageOfNodesToScore stopped the search early: say so, or "of 500" reads as the cluster's size.
        var sampled = d.NodesInCluster is { } all
            ? $" (looked at {evaluated} of {all.ToString(CultureInfo.InvariantCulture)} nodes: percentageOfNodesToScore)"
            : "";
        if (d.FeasibleNodes == 1)
        {
            return $"{result.NodeName} is the only feasible node of {evaluated}{sampled}";
        }
        var feasible = $"{d.FeasibleNodes.ToString(CultureInfo.InvariantCulture)}/{evaluated} nodes feasible{sampled}";
        return total is { } t
            ? $"{feasible}; {result.NodeName} scored highest ({t.ToString(CultureInfo.InvariantCulture)})"
            : $"{feasible}; {result.NodeName} chosen";
    }

    private static List<ReservationUsage> ReservationsAfter(Scenario scenario, ClusterSnapshot snapshot, DateTimeOffset now) =>
        [.. scenario.Reservations.Select(r => snapshot.Reservations.Find(r.Namespace, r.Name) is { } hold
            ? ReservationUsage.Of(hold)
            : ReservationUsage.Inactive(r, now))];

    private static List<CandidateEvaluation> Candidates(PlacementDiagnostics diagnostics) =>
        [.. (diagnostics.Nodes ?? []).Select(n => new CandidateEvaluation(n.Node, n.Feasible, n.Reasons, n.Scores, n.Total))];

}
