namespace Berth.Server.State;

/// <summary>One replica of an <see cref="AssignmentPlan"/>.</summary>
/// <param name="Replica">The replica index.</param>
/// <param name="Node">The chosen node.</param>
/// <param name="NodeModRevision">The node key's mod revision the plan saw.</param>
/// <param name="Devices">GPU device indexes chosen, empty when none.</param>
/// <param name="Explanation">The placement explanation summarised to one line.</param>
/// <param name="AssignmentModRevision">The replica's own assignment key's mod revision the planner read (0: none); -1 to compare against what the applier knows.</param>
public sealed record PlannedReplica(int Replica, string Node, long NodeModRevision, IReadOnlyList<int> Devices, string Explanation, long AssignmentModRevision = -1)
{
    /// <summary>How many lower-priority replicas are evicted to make room for this one (0: no preemption).</summary>
    public int Victims { get; init; }
}
