namespace Berth.Core.Specs;

/// <summary>
/// A named priority (Kubernetes' <c>PriorityClass</c>): workloads name it in <c>priorityClassName</c> and get its
/// <see cref="Value"/> as their priority, and its <see cref="PreemptionPolicy"/> unless they give their own.
/// </summary>
/// <param name="Name">The class name (a DNS-1123 subdomain); cluster-wide, not namespaced.</param>
/// <param name="Value">The priority; higher is placed first and may preempt lower.</param>
/// <param name="GlobalDefault">True when workloads that name no class get this one's value (at most one class).</param>
/// <param name="PreemptionPolicy">Whether workloads of this class may preempt lower-priority replicas.</param>
/// <param name="Description">Free text saying when to use the class.</param>
public sealed record PriorityClass(
    string Name,
    int Value,
    bool GlobalDefault = false,
    PreemptionPolicy PreemptionPolicy = PreemptionPolicy.PreemptLowerPriority,
    string Description = "")
{
    /// <summary>
    /// The highest value a user-defined class may have (Kubernetes' <c>HighestUserDefinablePriority</c>, one billion);
    /// values above it are kept for system-critical classes.
    /// </summary>
    public const int HighestUserDefinableValue = 1_000_000_000;
}
