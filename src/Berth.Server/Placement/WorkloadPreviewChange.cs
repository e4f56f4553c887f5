namespace Berth.Server.Placement;

/// <summary>What applying a manifest would do to one workload's stored spec.</summary>
public enum WorkloadPreviewChange
{
    /// <summary>The workload does not exist; apply would create it.</summary>
    Created,

    /// <summary>The workload exists with another spec; apply would write a new revision.</summary>
    Updated,

    /// <summary>The stored spec is the same; apply would write nothing.</summary>
    Unchanged,
}
