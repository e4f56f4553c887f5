namespace Berth.Core.Specs;

/// <summary>Cordon the node the rule fired for: no new replicas are placed on it (those running stay).</summary>
public sealed record CordonAction;
