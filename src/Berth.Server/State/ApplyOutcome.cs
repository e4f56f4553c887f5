namespace Berth.Server.State;

/// <summary>Whether <see cref="AssignmentApplier"/> committed a plan.</summary>
public enum ApplyOutcome
{
    /// <summary>Committed: assignments, evictions and events are in the store at <see cref="ApplyResult.Revision"/>.</summary>
    Applied,

    /// <summary>Refused, nothing written: the state moved since the plan; read it again and plan again.</summary>
    Stale,
}
