namespace Berth.Scheduling.Framework;

/// <summary>
/// Why a decision came out as it did, as data: how many nodes were evaluated and found feasible, how many each
/// filter refused, and (when nothing fit, or on request) the reasons and per-node detail.
/// </summary>
/// <param name="RefusedByPlugin">Filter plugin name → nodes it refused (a node counts for the first plugin that refused it).</param>
/// <param name="ReasonCounts">Reason text → nodes; filled when the replica is unschedulable or an explanation was asked for.</param>
/// <param name="ExhaustedByResource">Resource name → nodes that lacked it; filled with <see cref="ReasonCounts"/>.</param>
/// <param name="TopScores">The best nodes by weighted total, best first (at most three).</param>
/// <param name="Nodes">Every node's evaluation; only when an explanation was asked for.</param>
/// <param name="Summary">Kubernetes-style one-line reason when unschedulable, e.g. <c>0/5 nodes are available: 5 Insufficient cpu.</c></param>
/// <param name="PostFilterSummary">
/// When a post-filter (preemption) ran and found nothing, why, as Kubernetes appends it to its message:
/// <c>preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.</c>
/// </param>
/// <param name="NodesInCluster">
/// Set when the profile's <c>percentageOfNodesToScore</c> stopped filtering before every node was looked at: the
/// snapshot's node count, while <see cref="NodesEvaluated"/> is how many nodes were looked at (and <see cref="Nodes"/>
/// lists only those). Null when every node was looked at.
/// </param>
public sealed record PlacementDiagnostics(
    int NodesEvaluated,
    int FeasibleNodes,
    IReadOnlyDictionary<string, int> RefusedByPlugin,
    IReadOnlyDictionary<string, int> ReasonCounts,
    IReadOnlyDictionary<string, int> ExhaustedByResource,
    IReadOnlyList<NodeScore> TopScores,
    IReadOnlyList<NodeEvaluation>? Nodes,
    string? Summary,
    string? PostFilterSummary = null,
    int? NodesInCluster = null);
