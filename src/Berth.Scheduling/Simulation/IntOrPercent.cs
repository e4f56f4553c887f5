using System.Globalization;

namespace Berth.Scheduling.Simulation;

/// <summary>A count or a percentage, as Kubernetes' IntOrString in PodDisruptionBudget fields (<c>1</c> or <c>"50%"</c>).</summary>
public readonly record struct IntOrPercent(int Value, bool IsPercent)
{
    /// <summary>The absolute count out of <paramref name="total"/>; percentages round up, as Kubernetes does for budgets.</summary>
    public int Resolve(int total) => IsPercent ? (int)Math.Ceiling(total * Value / 100.0) : Value;

    /// <summary>Formats as <c>1</c> or <c>50%</c>.</summary>
    public override string ToString() => IsPercent ? $"{Value.ToString(CultureInfo.InvariantCulture)}%" : Value.ToString(CultureInfo.InvariantCulture);
}
