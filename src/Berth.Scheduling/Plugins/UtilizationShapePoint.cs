namespace Berth.Scheduling.Plugins;

/// <summary>A point of the RequestedToCapacityRatio function: at <see cref="Utilization"/> percent (0-100), score <see cref="Score"/> (0-10).</summary>
public sealed record UtilizationShapePoint(int Utilization, int Score);
