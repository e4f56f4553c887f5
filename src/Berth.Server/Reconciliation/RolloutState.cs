namespace Berth.Server.Reconciliation;

/// <summary>What the store holds at <c>/reconciliation/{namespace}/{name}/rollout</c> while a rolling replacement runs.</summary>
/// <param name="Revision">The workload revision the replicas are being brought to.</param>
/// <param name="StartedAt">When the reconciler started it.</param>
/// <param name="Outdated">How many replicas ran an older spec when it started.</param>
public sealed record RolloutState(long Revision, DateTimeOffset StartedAt, int Outdated);
