namespace Berth.Scheduling.Plugins;

/// <summary>A resource that counts in a resource-based score, and how much.</summary>
public sealed record ResourceWeight(string Name, long Weight);
