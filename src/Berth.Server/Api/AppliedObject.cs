namespace Berth.Server.Api;

/// <summary>One object of another kind than Workload in an apply.</summary>
/// <param name="Kind">The manifest kind, e.g. <c>Quota</c>.</param>
/// <param name="Key">The store key, <c>/objects/{plural}/...</c>.</param>
/// <param name="Namespace">The namespace; empty for a cluster-wide kind.</param>
/// <param name="Name">The name.</param>
/// <param name="Revision">The object's revision after the apply.</param>
/// <param name="Outcome">What the apply did.</param>
public sealed record AppliedObject(string Kind, string Key, string Namespace, string Name, long Revision, ApplyOutcome Outcome);
