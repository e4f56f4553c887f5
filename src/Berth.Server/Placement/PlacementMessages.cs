using System.Globalization;
using Berth.Scheduling.Framework;
using Berth.Server.State;

namespace Berth.Server.Placement;

/// <summary>The placer's user-visible messages (events, pass details), in one place so tests can assert on them.</summary>
public static class PlacementMessages
{
    /// <summary>Event message: a replica could not be placed.</summary>
    public static string Unschedulable(string replica, string summary) => $"replica {replica} cannot be placed: {summary}";

    /// <summary>Event message: a replica removed because the workload scaled down.</summary>
    public static string ScaledDown(string replica, string node, int replicas) =>
        string.Create(CultureInfo.InvariantCulture, $"replica {replica} removed from node {node}: the workload now wants {replicas} replicas");

    /// <summary>Event message: a replica removed because its workload was deleted.</summary>
    public static string WorkloadGone(string replica, string node) => $"replica {replica} removed from node {node}: its workload no longer exists";

    /// <summary>Event message: a replica stopped because its workload's desired state is Stopped.</summary>
    public static string Stopped(string replica, string node) => $"replica {replica} stopped on node {node}: the workload's desired state is Stopped";

    /// <summary>Eviction reason recorded with a preemption victim.</summary>
    public static string Preempted(WorkloadKey by, int priority, string replica, string node) =>
        string.Create(CultureInfo.InvariantCulture, $"preempted by {by} (priority {priority}) to place replica {replica} on node {node}");

    /// <summary>The one-line explanation stored with an assignment.</summary>
    public static string Explanation(PlacementResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var d = result.Diagnostics;
        var text = string.Create(CultureInfo.InvariantCulture, $"{d.FeasibleNodes}/{d.NodesEvaluated} nodes feasible");
        if (d.NodesInCluster is { } all)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" ({d.NodesEvaluated} of {all} nodes looked at: percentageOfNodesToScore)");
        }
        if (d.TopScores.Count > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", best score {d.TopScores[0].Total}");
        }
        if (result.Victims.Count > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", after evicting {result.Victims.Count} lower-priority replica(s)");
        }
        return text;
    }

    /// <summary>
    /// The explanation of a placement that preempted: <see cref="Explanation(PlacementResult)"/>, then the node it was
    /// nominated to and who was evicted for it, each with its priority, so the preemptor's record says for whom room was made.
    /// </summary>
    /// <param name="result">The placement.</param>
    /// <param name="victims">The evicted replicas (<c>namespace/name/replica</c>), in the order of <see cref="PlacementResult.Victims"/>.</param>
    public static string Explanation(PlacementResult result, IReadOnlyList<string> victims)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(victims);
        var text = Explanation(result);
        if (victims.Count == 0)
        {
            return text;
        }
        var named = new List<string>(victims.Count);
        for (int i = 0; i < victims.Count; i++)
        {
            named.Add(i < result.Victims.Count
                ? string.Create(CultureInfo.InvariantCulture, $"{victims[i]} (priority {result.Victims[i].Priority})")
                : victims[i]);
        }
        return $"{text}; nominated node {result.NodeName} by preempting {string.Join(", ", named)}";
    }

    /// <summary>
    /// The unschedulable summary as Kubernetes words its FailedScheduling message: the filter summary, then the
    /// preemption summary when preemption ran and found nothing.
    /// </summary>
    public static string Summary(PlacementResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var d = result.Diagnostics;
        var summary = d.Summary ?? result.Outcome switch
        {
            PlacementOutcome.Waiting => $"waiting on node {result.NodeName} for a permit",
            PlacementOutcome.Failed => "a scheduling plugin failed",
            _ => "no node is available",
        };
        return d.PostFilterSummary is { Length: > 0 } post ? $"{summary} {post}" : summary;
    }

    /// <summary>Stale detail: a bookkeeping write lost a race.</summary>
    public const string BookkeepingRaced = "the workload's assignments or summaries changed while the pass wrote them; plan again";

    /// <summary>Stale detail: a victim of preemption is not a stored assignment.</summary>
    public static string UnknownVictim(string victim) => $"preemption victim '{victim}' has no stored assignment; plan again";

    /// <summary>Event message: a partial gang's holds released after its timeout.</summary>
    public static string GangTimedOut(WorkloadKey workload, Berth.Core.Specs.GangPolicy gang, int held, TimeSpan heldFor, IReadOnlyList<string> replicas) =>
        string.Create(CultureInfo.InvariantCulture,
            $"gang {workload} held {held} of its minAvailable {gang.MinAvailable} replicas for {heldFor.TotalSeconds:0.#} s (timeoutSeconds {gang.TimeoutSeconds}); released {string.Join(", ", replicas)} so the room returns; the gang is placed again whole when it fits");
}
