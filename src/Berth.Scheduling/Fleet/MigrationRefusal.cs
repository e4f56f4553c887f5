namespace Berth.Scheduling.Fleet;

/// <summary>Why no migration plan was made.</summary>
public enum MigrationRefusal
{
    /// <summary>The target shares add up to fewer replicas than the workload's minimum.</summary>
    TargetBelowMinimum,
}
