namespace Berth.Scheduling.Fleet;

/// <summary>What one step of a migration does to a fleet workload's share in one cluster.</summary>
public enum MigrationStepKind
{
    /// <summary>Raise the cluster's share (its derived workload's replicas) to the step's target.</summary>
    ScaleUp,

    /// <summary>Wait until the cluster's share has the step's target replicas Running; nothing is scaled down before.</summary>
    AwaitRunning,

    /// <summary>Lower the cluster's share to the step's target.</summary>
    ScaleDown,

    /// <summary>The cluster's share reached zero: remove its derived workload (and the cluster if nothing else runs there).</summary>
    RemoveShare,
}
