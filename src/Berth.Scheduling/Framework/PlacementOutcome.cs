namespace Berth.Scheduling.Framework;

/// <summary>How a scheduling cycle ended; callers branch on this value, never on exceptions.</summary>
public enum PlacementOutcome
{
    /// <summary>A node was chosen (possibly after preempting victims).</summary>
    Placed,
    /// <summary>No node can take the replica now; the diagnostics say why.</summary>
    Unschedulable,
    /// <summary>A Permit plugin holds the replica (gang scheduling) on the chosen node.</summary>
    Waiting,
    /// <summary>A plugin failed at Reserve, Permit or a bind point.</summary>
    Failed,
}
