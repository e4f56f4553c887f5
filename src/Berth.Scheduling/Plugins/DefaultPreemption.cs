using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Quotas;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// When no node fits, finds the node where evicting lower-priority replicas makes room, evicting as few and as
/// unimportant replicas as possible and honouring disruption budgets (Kubernetes' DefaultPreemption post-filter).
/// </summary>
/// <remarks>
/// <para>
/// Per node whose refusal eviction could resolve: take every lower-priority replica off (a simulation on the
/// snapshot, undone before moving on), check the replica fits by running the profile's filters
/// (<see cref="SchedulingCycle.FitsOn(int)"/>), then reprieve victims one at a time, most important first, keeping each
/// that still leaves room; victims whose eviction would break a disruption budget are reprieved before the others.
/// </para>
/// <para>
/// Unlike Kubernetes, which dry-runs a random sample of nodes (at least 10% or 100) and stops once it has enough
/// candidates, Berth evaluates every node: the choice is deterministic and the best candidate in the cluster.
/// Nominated replicas, extenders and terminating victims do not exist in Berth and play no part.
/// </para>
/// </remarks>
public sealed class DefaultPreemption : IPostFilterPlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "DefaultPreemption";

    /// <summary>Kubernetes' message when the replica may not preempt.</summary>
    public const string NotEligibleMessage = "not eligible due to preemptionPolicy=Never.";

    /// <summary>Kubernetes' reason for a node whose refusal evictions cannot lift.</summary>
    public const string NotHelpfulReason = "Preemption is not helpful for scheduling";

    /// <summary>Kubernetes' reason for a node with no lower-priority replica to evict.</summary>
    public const string NoVictimsReason = "No preemption victims found for incoming pod";

    // Buffers reused across cycles.
    private string[] _insufficient = [];
    private int[] _budgetAllowed = [];
    private int[] _budgetLeft = [];
    private Potential[] _potential = [];
    private (int NodePosition, int GroupPosition)[] _positions = [];
    private PlacedReplica[] _byOrder = [];
    private readonly List<PlacedReplica> _violating = [];
    private readonly List<PlacedReplica> _nonViolating = [];
    private IReadOnlyList<DisruptionBudget> _budgets = [];
    // Burst replicas (above their namespace's soft quota) this cycle's replica may evict whatever their priority.
    private IReadOnlySet<PlacedReplica> _burst = new HashSet<PlacedReplica>();

    string ISchedulingPlugin.Name => Name;

    private readonly record struct Potential(PlacedReplica Replica, int Order);

    private sealed record Candidate(int Node, PlacedReplica[] Victims, int BudgetViolations, int BurstVictims = 0);

    /// <inheritdoc />
    public PostFilterResult? PostFilter(SchedulingCycle cycle, NodeRefusals refusals)
    {
        var replica = cycle.Replica;
        if (replica.Workload.PreemptionPolicy != PreemptionPolicy.PreemptLowerPriority)
        {
            return PostFilterResult.Nothing(NotEligibleMessage);
        }
        var snapshot = cycle.Snapshot;
        PrepareBudgets(snapshot, replica);
        _burst = BurstReplicas.EvictableBy(snapshot, replica);
        // The words NodeResourcesFit would use per requested resource, made once rather than per node.
        _insufficient = [.. replica.RequestNames.Select(name => name == ResourceNames.Pods ? "Too many pods" : $"Insufficient {name}")];

        // Why each node did not become a candidate, counted per reason, for Kubernetes' message when none does.
        var why = new Dictionary<string, int>(StringComparer.Ordinal);
        var reasons = new List<string>();
        var candidates = new List<Candidate>();
        for (int node = 0; node < snapshot.NodeCount; node++)
        {
            int filter = refusals.RefusingFilter(node);
            if (filter < 0 || !cycle.Filters[filter].PreemptionCanResolve(refusals.ReasonCode(node)))
            {
                Count(why, NotHelpfulReason);
                continue;
            }
            reasons.Clear();
            if (SelectVictims(cycle, snapshot, node, reasons) is { } candidate)
            {
                candidates.Add(candidate);
                continue;
            }
            foreach (var reason in reasons)
            {
                Count(why, reason);
            }
        }
        if (candidates.Count == 0)
        {
            // Kubernetes' FitError over the preemption attempt: "count reason" entries sorted as strings.
            var parts = why.Select(kv => $"{kv.Value} {kv.Key}").Order(StringComparer.Ordinal);
            return PostFilterResult.Nothing($"0/{snapshot.NodeCount} nodes are available: {string.Join(", ", parts)}.");
        }
        var chosen = PickOne(candidates);
        var details = new List<PreemptionCandidate>(candidates.Count);
        foreach (var c in candidates)
        {
            var keys = new string[c.Victims.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = c.Victims[i].Key;
            }
            details.Add(new PreemptionCandidate(snapshot.Node(c.Node).Name, keys, c.BudgetViolations));
        }
        return new PostFilterResult(chosen.Node, chosen.Victims, new PreemptionDetails(details, snapshot.Node(chosen.Node).Name));
    }

    /// <summary>Each budget's disruptions allowed now, as Kubernetes' disruption controller would report it.</summary>
    private void PrepareBudgets(ClusterSnapshot snapshot, ReplicaInfo replica)
    {
        var budgets = snapshot.DisruptionBudgets;
        _budgets = budgets;
        if (_budgetAllowed.Length < budgets.Count)
        {
            _budgetAllowed = new int[budgets.Count];
            _budgetLeft = new int[budgets.Count];
        }
        if (budgets.Count == 0)
        {
            return;
        }
        // Running replicas and scale per workload; a workload's scale is its replica count (as a controller's is),
        // and the replica being placed is counted as pending, as its pod would be.
        var workloads = new Dictionary<string, (int Running, int Scale, ReplicaInfo Info)>(StringComparer.Ordinal);
        foreach (var group in snapshot.Groups)
        {
            if (group.Count == 0)
            {
                continue;
            }
            var key = group.Info.Workload.Key;
            var (running, _, _) = workloads.GetValueOrDefault(key);
            running += group.Count;
            workloads[key] = (running, Math.Max(running, group.Info.Workload.Replicas), group.Info);
        }
        var own = replica.Workload.Key;
        var (ownRunning, _, _) = workloads.GetValueOrDefault(own);
        workloads[own] = (ownRunning, Math.Max(ownRunning, replica.Workload.Replicas), replica);

        for (int b = 0; b < budgets.Count; b++)
        {
            var budget = budgets[b];
            int running = 0, scale = 0;
            foreach (var (_, (r, s, info)) in workloads)
            {
                if (budget.Covers(info.Namespace, info.Labels))
                {
                    running += r;
                    scale += s;
                }
            }
            _budgetAllowed[b] = budget.DisruptionsAllowed(running, scale);
        }
    }

    /// <summary>Kubernetes' SelectVictimsOnNode, simulated on the snapshot and undone before returning.</summary>
    private Candidate? SelectVictims(SchedulingCycle cycle, ClusterSnapshot snapshot, int node, List<string> reasons)
    {
        int priority = cycle.Replica.Priority;
        var onNode = snapshot.ReplicasOn(node);
        int mark = reasons.Count;
        if (!FitsEmpty(cycle.Replica, snapshot, node, reasons))
        {
            // Kubernetes looks for victims first; keep its reason when there are none.
            if (!AnyBelow(onNode, priority) && !AnyBurst(onNode))
            {
                reasons.RemoveRange(mark, reasons.Count - mark);
                reasons.Add(NoVictimsReason);
            }
            return null;
        }
        int count = 0;
        EnsurePotential(onNode.Count);
        for (int i = 0; i < onNode.Count; i++)
        {
            if (onNode[i].Priority < priority || _burst.Contains(onNode[i]))
            {
                _potential[count] = new Potential(onNode[i], count);
                count++;
            }
        }
        if (count == 0)
        {
            reasons.Add(NoVictimsReason);
            return null;
        }
        if (!FitsWithAllEvicted(cycle.Replica, snapshot, node, count, reasons))
        {
            return null;
        }
        for (int i = 0; i < count; i++)
        {
            _positions[i] = snapshot.Detach(_potential[i].Replica);
        }
        var potential = _potential.AsSpan(0, count);
        Candidate? result = null;
        var victims = new List<PlacedReplica>();
        if (cycle.FitsOn(node, reasons))
        {
            // Most important first, so the most important victims get the first chance of a reprieve.
            potential.Sort(CompareImportance);
            int violations = SplitByBudget(potential);
            int violatingVictims = 0;
            foreach (var p in _violating)
            {
                if (!Reprieve(cycle, snapshot, node, p, victims))
                {
                    violatingVictims++;
                }
            }
            foreach (var p in _nonViolating)
            {
                Reprieve(cycle, snapshot, node, p, victims);
            }
            if (violations > 0 && _nonViolating.Count > 0)
            {
                victims.Sort(MoreImportantFirst);
            }
            if (victims.Count > 0)
            {
                result = new Candidate(node, [.. victims], violatingVictims, CountBurst(victims));
            }
        }
        Restore(snapshot, count);
        return result;
    }

    /// <summary>
    /// A necessary condition, by arithmetic alone: the replica's requests fit the node's allocatable once every
    /// lower-priority replica is gone. Nodes failing it are dropped before the costly simulation, which matters when a
    /// replica fits nowhere at all (Kubernetes' scheduler_perf "Unschedulable" churn asks 9 cpu of 4-cpu nodes).
    /// </summary>
    private bool FitsWithAllEvicted(ReplicaInfo replica, ClusterSnapshot snapshot, int node, int victims, List<string> reasons)
    {
        bool fits = true;
        for (int d = 0; d < replica.RequestColumns.Length; d++)
        {
            int column = replica.RequestColumns[d];
            string name = replica.RequestNames[d];
            long free = 0;
            if (column >= 0)
            {
                var resources = snapshot.Resources[column];
                long freed = 0;
                for (int i = 0; i < victims; i++)
                {
                    freed += _potential[i].Replica.Info.RequestOf(name);
                }
                free = resources.Allocatable(node) - resources.Requested(node) + freed;
            }
            if (replica.RequestAmounts[d] > free)
            {
                // The words NodeResourcesFit would use, had the filters run with every victim gone.
                reasons.Add(_insufficient[d]);
                fits = false;
            }
        }
        return fits;
    }

    /// <summary>
    /// Whether the replica's requests fit the node's allocatable at all (an empty node): a replica bigger than the
    /// machine is refused before its replicas are looked at. The answer is the one evicting everything would give.
    /// </summary>
    private bool FitsEmpty(ReplicaInfo replica, ClusterSnapshot snapshot, int node, List<string> reasons)
    {
        bool fits = true;
        for (int d = 0; d < replica.RequestColumns.Length; d++)
        {
            int column = replica.RequestColumns[d];
            long allocatable = column >= 0 ? snapshot.Resources[column].Allocatable(node) : 0;
            if (replica.RequestAmounts[d] > allocatable)
            {
                reasons.Add(_insufficient[d]);
                fits = false;
            }
        }
        return fits;
    }

    private static bool AnyBelow(IReadOnlyList<PlacedReplica> replicas, int priority)
    {
        for (int i = 0; i < replicas.Count; i++)
        {
            if (replicas[i].Priority < priority)
            {
                return true;
            }
        }
        return false;
    }

    private bool AnyBurst(IReadOnlyList<PlacedReplica> replicas)
    {
        for (int i = 0; i < replicas.Count; i++)
        {
            if (_burst.Contains(replicas[i]))
            {
                return true;
            }
        }
        return false;
    }

    private int CountBurst(List<PlacedReplica> victims)
    {
        int n = 0;
        foreach (var v in victims)
        {
            n += _burst.Contains(v) ? 1 : 0;
        }
        return n;
    }

    private static void Count(Dictionary<string, int> counts, string reason) =>
        counts[reason] = counts.GetValueOrDefault(reason) + 1;

    /// <summary>Puts a victim back; keeps it there when the replica still fits, else takes it off again and records it.</summary>
    private static bool Reprieve(SchedulingCycle cycle, ClusterSnapshot snapshot, int node, PlacedReplica victim, List<PlacedReplica> victims)
    {
        snapshot.Reattach(victim);
        if (cycle.FitsOn(node))
        {
            return true;
        }
        snapshot.Detach(victim);
        victims.Add(victim);
        return false;
    }

    /// <summary>
    /// Undoes the simulation exactly: takes the reprieved replicas off again, so every potential victim is off and the
    /// rest are in their original order, then puts them all back in the reverse of the order they came off.
    /// </summary>
    private void Restore(ClusterSnapshot snapshot, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var r = _potential[i].Replica;
            if (IsAttached(snapshot, r))
            {
                snapshot.Detach(r);
            }
        }
        // _potential may have been sorted; recover the original (detach) order from Potential.Order.
        var byOrder = _byOrder;
        for (int i = 0; i < count; i++)
        {
            byOrder[_potential[i].Order] = _potential[i].Replica;
        }
        for (int i = count - 1; i >= 0; i--)
        {
            snapshot.Reattach(byOrder[i], _positions[i].NodePosition, _positions[i].GroupPosition);
        }
    }

    private static bool IsAttached(ClusterSnapshot snapshot, PlacedReplica replica)
    {
        var onNode = snapshot.ReplicasOn(replica.Node);
        for (int i = 0; i < onNode.Count; i++)
        {
            if (ReferenceEquals(onNode[i], replica))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Kubernetes' filterPodsWithPDBViolation: walking the victims in importance order, each covering budget loses one
    /// allowed disruption; a victim is violating when any of its budgets goes below zero. Returns the violating count.
    /// </summary>
    private int SplitByBudget(ReadOnlySpan<Potential> potential)
    {
        _violating.Clear();
        _nonViolating.Clear();
        var budgets = _budgets;
        int n = budgets.Count;
        Array.Copy(_budgetAllowed, _budgetLeft, n);
        foreach (var p in potential)
        {
            var info = p.Replica.Info;
            bool violated = false;
            for (int b = 0; b < n; b++)
            {
                if (budgets[b].Covers(info.Namespace, info.Labels))
                {
                    _budgetLeft[b]--;
                    violated |= _budgetLeft[b] < 0;
                }
            }
            (violated ? _violating : _nonViolating).Add(p.Replica);
        }
        return _violating.Count;
    }

    private void EnsurePotential(int n)
    {
        if (_potential.Length < n)
        {
            _potential = new Potential[Math.Max(n, 2 * _potential.Length)];
            _positions = new (int, int)[_potential.Length];
            _byOrder = new PlacedReplica[_potential.Length];
        }
    }

    /// <summary>Kubernetes' MoreImportantPod: higher priority, then earlier start (unknown start counts as now, the latest).</summary>
    private static int MoreImportantFirst(PlacedReplica a, PlacedReplica b)
    {
        int byPriority = b.Priority.CompareTo(a.Priority);
        return byPriority != 0 ? byPriority : StartOf(a).CompareTo(StartOf(b));
    }

    private int CompareImportance(Potential a, Potential b)
    {
        // Burst replicas are the least important of all, so they are the last reprieved: evicted first.
        int burst = _burst.Contains(a.Replica).CompareTo(_burst.Contains(b.Replica));
        if (burst != 0)
        {
            return burst;
        }
        int c = MoreImportantFirst(a.Replica, b.Replica);
        // Stable: equally important replicas keep their order on the node.
        return c != 0 ? c : a.Order.CompareTo(b.Order);
    }

    private static DateTimeOffset StartOf(PlacedReplica replica) => replica.StartTime ?? DateTimeOffset.MaxValue;

    /// <summary>
    /// Kubernetes' pickOneNodeForPreemption: fewest budget violations, then the lowest highest-victim priority, then the
    /// smallest sum of victim priorities, then the fewest victims, then the latest earliest start among the
    /// highest-priority victims, then the first.
    /// </summary>
    private static Candidate PickOne(List<Candidate> candidates)
    {
        var best = candidates[0];
        for (int i = 1; i < candidates.Count; i++)
        {
            if (Better(candidates[i], best))
            {
                best = candidates[i];
            }
        }
        return best;
    }

    private static bool Better(Candidate a, Candidate b)
    {
        if (a.BudgetViolations != b.BudgetViolations)
        {
            return a.BudgetViolations < b.BudgetViolations;
        }
        // Burst replicas go first: where either candidate evicts burst replicas, the one taking fewer guaranteed ones wins.
        if ((a.BurstVictims > 0 || b.BurstVictims > 0) && a.Victims.Length - a.BurstVictims != b.Victims.Length - b.BurstVictims)
        {
            return a.Victims.Length - a.BurstVictims < b.Victims.Length - b.BurstVictims;
        }
        int highA = a.Victims[0].Priority, highB = b.Victims[0].Priority;
        if (highA != highB)
        {
            return highA < highB;
        }
        long sumA = SumOfPriorities(a), sumB = SumOfPriorities(b);
        if (sumA != sumB)
        {
            return sumA < sumB;
        }
        if (a.Victims.Length != b.Victims.Length)
        {
            return a.Victims.Length < b.Victims.Length;
        }
        return EarliestStartOfHighest(a) > EarliestStartOfHighest(b);
    }

    private static long SumOfPriorities(Candidate c)
    {
        // Offset by 2^31 so every term is positive: more victims of a negative priority must not look cheaper.
        long sum = 0;
        foreach (var v in c.Victims)
        {
            sum += v.Priority + (long)int.MaxValue + 1;
        }
        return sum;
    }

    private static DateTimeOffset EarliestStartOfHighest(Candidate c)
    {
        int highest = c.Victims[0].Priority;
        var earliest = StartOf(c.Victims[0]);
        foreach (var v in c.Victims)
        {
            if (v.Priority > highest)
            {
                highest = v.Priority;
                earliest = StartOf(v);
            }
            else if (v.Priority == highest && StartOf(v) < earliest)
            {
                earliest = StartOf(v);
            }
        }
        return earliest;
    }
}
