namespace Berth.Core.Specs;

/// <summary>What a topology spread constraint does when it cannot be met.</summary>
public enum UnsatisfiableConstraintAction
{
    /// <summary>A filter: nodes that would break the skew are refused.</summary>
    DoNotSchedule,
    /// <summary>A preference: nodes that reduce the skew score higher.</summary>
    ScheduleAnyway,
}
