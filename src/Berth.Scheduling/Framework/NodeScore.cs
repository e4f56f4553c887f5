namespace Berth.Scheduling.Framework;

/// <summary>A node's weighted total score.</summary>
public readonly record struct NodeScore(string Node, long Total);
