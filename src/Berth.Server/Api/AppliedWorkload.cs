namespace Berth.Server.Api;

/// <summary>One workload of an apply.</summary>
/// <param name="Key">The store key, <c>/workloads/{namespace}/{name}</c>.</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
/// <param name="Revision">The workload's revision after the apply.</param>
/// <param name="Outcome">What the apply did.</param>
public sealed record AppliedWorkload(string Key, string Namespace, string Name, long Revision, ApplyOutcome Outcome);
