namespace Berth.Core.Specs;

/// <summary>What the operator wants a workload to be; the scheduler and agents converge on it.</summary>
public enum DesiredState
{
    /// <summary>Its replicas should be placed and running (the default).</summary>
    Running,
    /// <summary>Kept, but its replicas should be stopped and release their resources.</summary>
    Stopped,
    /// <summary>Being removed: set by deleting the workload (<c>berth delete</c>), never given in a manifest.</summary>
    Deleted,
}
