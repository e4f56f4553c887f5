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
        using var scheduler = new Scheduler(scenario.Profile, _registry, _options);
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
            for (int replica = 0; replica < workload.Replicas; replica++)
            {
                var verdict = usage.Check(workload.Namespace, demand);
                if (verdict.Refusal is { } refusal)
                {
                    placements.Add(new ReplicaPlacement(workload.Name, workload.Namespace, replica, null, refusal.Message, null, [], null));
                    continue;
                }
                var result = scheduler.Schedule(snapshot, info, replica, explain);
                var candidates = explain ? Candidates(result.Diagnostics) : null;
                if (verdict.Burst && (!result.IsPlaced || result.Victims.Count > 0 || result.Diagnostics.FeasibleNodes == 0))
                {
                    // Bursting borrows idle capacity only; a burst replica never evicts anyone to get in.
                    placements.Add(new ReplicaPlacement(workload.Name, workload.Namespace, replica, null,
                        QuotaMessages.BurstNeedsIdleCapacity(workload.Namespace, NoIdleCapacity(result)), candidates, [], null));
                    continue;
                }
                if (!result.IsPlaced)
                {
                    placements.Add(new ReplicaPlacement(workload.Name, workload.Namespace, replica, null, UnplacedReason(result), candidates, [], null));
                    continue;
                }
                var victims = new List<string>(result.Victims.Count);
                foreach (var victim in result.Victims)
                {
                    victims.Add(victim.Key);
                    snapshot.Remove(victim);
                    usage.Remove(victim.Info.Namespace, QuotaDemand.PerReplica(victim.Info.Workload));
                }
                var committed = snapshot.Place(info, result.Node, $"{workload.Name}-{replica}");
                usage.Add(workload.Namespace, demand);
                var preemption = explain ? result.PostFilterDetails as PreemptionDetails : null;
                var reason = verdict.Burst ? QuotaMessages.BurstPlaced(PlacedReason(result, victims)) : PlacedReason(result, victims);
                placements.Add(new ReplicaPlacement(workload.Name, workload.Namespace, replica, result.NodeName, reason,
                    candidates, victims, preemption, info.GpuMilli > 0 ? committed.Devices : null, verdict.Burst));
            }
        }

        int placed = placements.Count(p => p.IsPlaced);
        int nodesUsed = placements.Where(p => p.IsPlaced).Select(p => p.Node).Distinct(StringComparer.Ordinal).Count();
        return new SimulationReport(placements, new SimulationSummary(placed, placements.Count - placed, nodesUsed))
        {
            Reservations = ReservationsAfter(scenario, snapshot, now),
        };
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
