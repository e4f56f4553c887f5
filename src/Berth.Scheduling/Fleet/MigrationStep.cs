namespace Berth.Scheduling.Fleet;

/// <summary>One step of a migration over a fleet workload's shares.</summary>
/// <param name="Kind">What the step does.</param>
/// <param name="Cluster">The cluster whose share it changes or waits on.</param>
/// <param name="From">The share's replicas before the step.</param>
/// <param name="To">The share's replicas after the step (for <see cref="MigrationStepKind.AwaitRunning"/>, how many must be Running).</param>
/// <param name="AvailableAtLeast">
/// Replicas of the workload that stay Running throughout the step, over all clusters, provided that the shares were
/// Running when the migration began and every earlier wait was met.
/// </param>
public sealed record MigrationStep(MigrationStepKind Kind, string Cluster, int From, int To, int AvailableAtLeast);
